using System.Collections.Concurrent;
using System.Diagnostics;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AiAspire.EventBusBench;

/// <summary>A host wired like a service: AddEventBus plus a handler that records when each event arrived.</summary>
internal sealed class BenchBus : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly Arrivals _arrivals;
    private readonly string _spillPath;

    private BenchBus(IHost host, Arrivals arrivals, string spillPath)
    {
        _host = host;
        _arrivals = arrivals;
        _spillPath = spillPath;
    }

    public long Handled => Volatile.Read(ref _arrivals.Count);

    /// <param name="group">The consumer group of the recording handler; null for a publisher only.</param>
    public static async Task<BenchBus> StartAsync(string connectionString, string? group)
    {
        var spillPath = Path.Combine(Path.GetTempPath(), "aiaspire-bench-spill-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "EventBusBench" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EventBus:SpillPath"] = spillPath,
            ["EventBus:IdlePollInterval"] = "00:00:00.010",
            ["EventBus:ReadBatchSize"] = "256",
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(connectionString));
        var arrivals = new Arrivals();
        builder.Services.AddSingleton(arrivals);
        builder.AddEventBus();
        if (group is not null)
        {
            builder.AddEventHandler<InferenceCompleted, ArrivalHandler>(group);
        }
        var host = builder.Build();
        await host.StartAsync();
        return new BenchBus(host, arrivals, spillPath);
    }

    public IEventPublisher Publisher => _host.Services.GetRequiredService<IEventPublisher>();

    public bool Publish(int i) => Publisher.Publish(new InferenceCompleted(
        RequestId: i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Tenant: "bench",
        Route: "/v1/chat/completions",
        Model: "gpt-4o-mini",
        Provider: "openai",
        Deployment: "openai-gpt-4o-mini",
        Status: "ok",
        LatencyMs: 250,
        StageLatencyMs: new Dictionary<string, double> { ["router"] = 240 },
        TokensIn: 120,
        TokensOut: 48,
        CostUsd: 0.0001m,
        CacheHit: false,
        Stream: false,
        RetrievedChunks: 0,
        GuardFindings: [],
        GuardBlocked: false,
        Timestamp: DateTimeOffset.UtcNow));

    public long StreamLength() => _host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StreamLength(InferenceCompleted.Topic);

    public double[] LagsMs() => [.. _arrivals.LagsMs.Order()];

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"Not done within {timeout}.");
            }
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
        Directory.Delete(_spillPath, recursive: true);
    }
}

internal sealed class Arrivals
{
    public long Count;
    public readonly ConcurrentQueue<double> LagsMs = new();
}

internal sealed class ArrivalHandler(Arrivals arrivals) : IEventHandler<InferenceCompleted>
{
    public Task HandleAsync(InferenceCompleted @event, EventContext context, CancellationToken cancellationToken)
    {
        arrivals.LagsMs.Enqueue((DateTimeOffset.UtcNow - @event.Timestamp).TotalMilliseconds);
        Interlocked.Increment(ref arrivals.Count);
        return Task.CompletedTask;
    }
}

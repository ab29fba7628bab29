using AiAspire.Contracts.Events;
using AiAspire.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>A small host wired like a service: AddEventBus plus one handler in a consumer group, on the fixture's Redis.</summary>
internal sealed class BusHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BusHost(IHost host) => _host = host;

    public IEventPublisher Publisher => _host.Services.GetRequiredService<IEventPublisher>();

    public string SpillPath { get; private init; } = "";

    /// <param name="spillPath">The publisher's spill folder; a fresh temporary one when null.</param>
    /// <param name="settings">More EventBus configuration, e.g. <c>EventBus:BufferCapacity</c>.</param>
    /// <param name="batches">When set, the handler is a <see cref="BatchRecordingHandler"/> recording its batches there.</param>
    public static async Task<BusHost> StartAsync(
        RedisServer redis, string group, Inbox inbox, string? spillPath = null, IDictionary<string, string?>? settings = null,
        Batches? batches = null)
    {
        spillPath ??= NewSpillPath();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "EventBus.Tests",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EventBus:IdlePollInterval"] = "00:00:00.050",
            ["EventBus:MaxRetryDelay"] = "00:00:01",
            ["EventBus:SpillAfter"] = "00:00:00.500",
            ["EventBus:SendTimeout"] = "00:00:01",
            ["EventBus:SpillPath"] = spillPath,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddLogging(logging =>
        {
            // BUS_TEST_LOG=1 shows the bus's own account of a failing test.
            if (Environment.GetEnvironmentVariable("BUS_TEST_LOG") is not null)
            {
                logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
            }
        });
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => redis.Connect());
        builder.Services.AddSingleton(inbox);
        builder.Services.AddSingleton(new HandlerGroup(group));

        builder.AddEventBus();
        if (batches is null)
        {
            builder.AddEventHandler<InferenceCompleted, RecordingHandler>(group);
        }
        else
        {
            builder.Services.AddSingleton(batches);
            builder.AddEventHandler<InferenceCompleted, BatchRecordingHandler>(group);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new BusHost(host) { SpillPath = spillPath };
    }

    public static string NewSpillPath() => Path.Combine(Path.GetTempPath(), "aiaspire-spill-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
        // Keep a folder with unsent events: a test may start the next host on it.
        var spill = new FileInfo(Path.Combine(SpillPath, "events.spill"));
        if (Directory.Exists(SpillPath) && (!spill.Exists || spill.Length == 0))
        {
            Directory.Delete(SpillPath, recursive: true);
        }
    }
}

using AiAspire.Contracts.Events;
using AiAspire.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>A small host wired like a service: AddEventBus plus one handler in a consumer group, on the fixture's Redis.</summary>
internal sealed class BusHost : IAsyncDisposable
{
    private readonly IHost _host;

    private BusHost(IHost host) => _host = host;

    public IEventPublisher Publisher => _host.Services.GetRequiredService<IEventPublisher>();

    public static async Task<BusHost> StartAsync(RedisServer redis, string group, Inbox inbox)
    {
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
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => redis.Connect());
        builder.Services.AddSingleton(inbox);
        builder.Services.AddSingleton(new HandlerGroup(group));

        builder.AddEventBus();
        builder.AddEventHandler<InferenceCompleted, RecordingHandler>(group);

        var host = builder.Build();
        await host.StartAsync();
        return new BusHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}

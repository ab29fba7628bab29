using System.Collections.Concurrent;
using System.Diagnostics;
using AiAspire.Contracts.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiAspire.EventBus.Tests;

/// <summary>
/// What every transport must do, the same tests on each: <see cref="RedisStreamsBehaviourTests"/> always runs;
/// <see cref="KafkaBehaviourTests"/> needs a broker named by KAFKA_BOOTSTRAP_SERVERS.
/// </summary>
public abstract class EventBusBehaviourTests
{
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        ["EventBus:IdlePollInterval"] = "00:00:00.050",
        ["EventBus:MaxRetryDelay"] = "00:00:00.500",
        ["EventBus:ClaimIdleTime"] = "00:00:00.300",
        ["EventBus:MaxDeliveries"] = "3",
        ["EventBus:Kafka:RetryBaseDelay"] = "00:00:00.100",
    };

    private readonly string _group = "g-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _prefix = "r-" + Guid.NewGuid().ToString("N")[..8] + "-";

    /// <summary>Configuration pointing the bus at this transport's broker.</summary>
    protected abstract IDictionary<string, string?> TransportSettings { get; }

    /// <summary>Registers what the transport needs besides configuration (the Redis multiplexer).</summary>
    protected virtual void AddTransportServices(IServiceCollection services)
    {
    }

    /// <summary>Ids of the events the group dead-lettered on <paramref name="topic"/>.</summary>
    protected abstract Task<IReadOnlyList<string>> DeadLetteredEventIdsAsync(string topic, string group);

    [ServerFact]
    public async Task PublishedEvents_ArriveOnceEach_InPublishOrderPerTenant()
    {
        var inbox = new Inbox();
        await using var host = await StartAsync(inbox);
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        for (var i = 0; i < 20; i++)
        {
            Assert.True(publisher.Publish(SampleEvents.Inference(_prefix + i.ToString("D2"), tenant: "acme")));
        }

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix).Count >= 20, "the 20 events were handled", TimeSpan.FromSeconds(30));
        var handled = inbox.Succeeded(_prefix);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => _prefix + i.ToString("D2")), handled.Select(d => d.Event.RequestId));
        Assert.Equal(20, handled.Select(d => d.Context.EventId).Distinct().Count());
        Assert.All(handled, d => Assert.Equal(1, d.Context.DeliveryCount));
    }

    [ServerFact]
    public async Task TraceContext_CrossesTheBus()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var testSource = new ActivitySource("EventBus.Tests.Suite." + _group);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EventBusTelemetry.Name || source == testSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var inbox = new Inbox();
        await using var host = await StartAsync(inbox);

        ActivityTraceId traceId;
        using (var request = testSource.StartActivity("incoming request"))
        {
            traceId = request!.TraceId;
            host.Services.GetRequiredService<IEventPublisher>().Publish(SampleEvents.Inference(_prefix + "traced"));
        }

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix + "traced").Count == 1, "the traced event was handled", TimeSpan.FromSeconds(30));
        Assert.Equal(traceId, inbox.Succeeded(_prefix + "traced")[0].Trace?.TraceId);
    }

    [ServerFact]
    public async Task EventWhoseHandlerKeepsFailing_IsRetriedThenDeadLettered_AndTheEventsAfterItArrive()
    {
        var poison = _prefix + "poison";
        var inbox = new Inbox { Fails = e => e.RequestId == poison };
        await using var host = await StartAsync(inbox);
        var publisher = host.Services.GetRequiredService<IEventPublisher>();

        publisher.Publish(SampleEvents.Inference(poison));
        publisher.Publish(SampleEvents.Inference(_prefix + "after"));

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix + "after").Count == 1, "the event after the poison one was handled", TimeSpan.FromSeconds(30));
        var eventId = inbox.Attempts(poison)[0].Context.EventId;
        await Eventually.HoldsAsync(async () => (await DeadLetteredEventIdsAsync(InferenceCompleted.Topic, _group)).Contains(eventId),
            "the poison event was dead-lettered", TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2, 3], inbox.Attempts(poison).Select(a => a.Context.DeliveryCount));
    }

    private async Task<StoppingHost> StartAsync(Inbox inbox)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "EventBus.Tests",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(QuickRetries);
        builder.Configuration.AddInMemoryCollection(TransportSettings);
        var spillPath = BusHost.NewSpillPath();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["EventBus:SpillPath"] = spillPath });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(inbox);
        AddTransportServices(builder.Services);
        builder.AddEventBus();
        builder.AddEventHandler<InferenceCompleted, InboxHandler>(_group);
        var host = builder.Build();
        await host.StartAsync();
        return new StoppingHost(host, spillPath);
    }

    /// <summary>Stops the host within a bounded time when disposed, and removes its spill folder.</summary>
    private sealed class StoppingHost(IHost inner, string spillPath) : IHost, IAsyncDisposable
    {
        public IServiceProvider Services => inner.Services;

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public void Dispose() => inner.Dispose();

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await inner.StopAsync(timeout.Token);
            inner.Dispose();
            Directory.Delete(spillPath, recursive: true);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using AiAspire.Contracts.Events;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>The bus end to end on a real redis-server: publisher, send loop, stream, consumer group, handler.</summary>
public sealed class RedisStreamsBusTests(RedisServer redis) : IClassFixture<RedisServer>
{
    // Every test reads in its own consumer group (which starts at the stream's beginning) and
    // looks only at the events whose request ids carry its own prefix.
    private readonly string _group = "g-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _prefix = "r-" + Guid.NewGuid().ToString("N")[..8] + "-";

    [Fact]
    public async Task PublishedEvents_ArriveAtTheHandler_AndAreAcknowledgedOnlyAfterIt()
    {
        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bus.Publisher.Publish(SampleEvents.Inference(_prefix + i)));
        }

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix).Count == 5, "the five events were handled");
        var handled = inbox.Succeeded(_prefix);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => _prefix + i), handled.Select(d => d.Event.RequestId).Order());
        Assert.Equal(5, handled.Select(d => d.Context.EventId).Distinct().Count());
        Assert.All(handled, d => Assert.Equal(Topics.InferenceEvents, d.Context.Topic));
        Assert.All(handled, d => Assert.True(d.PendingWhileHandling >= 1, "the entry was acknowledged before its handler ran"));
        await Eventually.HoldsAsync(async () => await PendingAsync() == 0, "every entry was acknowledged");
    }

    [Fact]
    public async Task HandlerThatThrows_LeavesTheEntryPending_AndItIsRedeliveredAfterAConsumerRestart()
    {
        var requestId = _prefix + "flaky";
        var failing = new Inbox { Fails = e => e.RequestId == requestId };
        string eventId;
        await using (var bus = await BusHost.StartAsync(redis, _group, failing))
        {
            bus.Publisher.Publish(SampleEvents.Inference(requestId));

            await Eventually.HoldsAsync(() => failing.Attempts(requestId).Count > 0, "the handler was tried");
            eventId = failing.Attempts(requestId)[0].Context.EventId;
            Assert.Equal(1, await PendingAsync());
        }
        Assert.Equal(1, await PendingAsync());

        var healthy = new Inbox();
        await using (await BusHost.StartAsync(redis, _group, healthy))
        {
            await Eventually.HoldsAsync(() => healthy.Succeeded(requestId).Count > 0, "the pending entry was redelivered");
            Assert.Equal(eventId, healthy.Succeeded(requestId)[0].Context.EventId);
            await Eventually.HoldsAsync(async () => await PendingAsync() == 0, "the redelivered entry was acknowledged");
        }
    }

    [Fact]
    public async Task PendingEntryThatStillFails_DoesNotStopNewEventsAfterARestart()
    {
        var poison = _prefix + "poison";
        var fresh = _prefix + "fresh";
        var first = new Inbox { Fails = e => e.RequestId == poison };
        await using (var bus = await BusHost.StartAsync(redis, _group, first))
        {
            bus.Publisher.Publish(SampleEvents.Inference(poison));
            await Eventually.HoldsAsync(() => first.Attempts(poison).Count > 0, "the poison event was tried");
        }

        var second = new Inbox { Fails = e => e.RequestId == poison };
        await using (var bus = await BusHost.StartAsync(redis, _group, second))
        {
            bus.Publisher.Publish(SampleEvents.Inference(fresh));

            await Eventually.HoldsAsync(() => second.Succeeded(fresh).Count == 1, "the fresh event was handled");
            Assert.InRange(second.Attempts(poison).Count, 1, 3);
        }
        Assert.Equal(1, await PendingAsync());
    }

    [Fact]
    public async Task UnreadableEntry_IsAcknowledgedAndSkipped()
    {
        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox);
        using var client = redis.Connect();

        await client.GetDatabase().StreamAddAsync(InferenceCompleted.Topic, [new("id", "junk"), new("event", "{not a cloud event")]);
        bus.Publisher.Publish(SampleEvents.Inference(_prefix + "after-junk"));

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix + "after-junk").Count == 1, "the event after the junk was handled");
        await Eventually.HoldsAsync(async () => await PendingAsync() == 0, "the junk entry was acknowledged too");
    }

    [Fact]
    public async Task TraceParentOfThePublishingActivity_IsTheParentOfTheConsumerSpan()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var testSource = new ActivitySource("EventBus.Tests." + _group);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EventBusTelemetry.Name || source == testSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox);

        ActivityTraceId traceId;
        using (var request = testSource.StartActivity("incoming request"))
        {
            Assert.NotNull(request);
            traceId = request.TraceId;
            bus.Publisher.Publish(SampleEvents.Inference(_prefix + "traced"));
        }

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix + "traced").Count == 1, "the traced event was handled");
        var eventId = inbox.Succeeded(_prefix + "traced")[0].Context.EventId;
        await Eventually.HoldsAsync(() => stopped.Any(a => IsSpanOf(a, ActivityKind.Consumer, eventId)), "the consumer span ended");
        var publish = stopped.Single(a => IsSpanOf(a, ActivityKind.Producer, eventId));
        var consume = stopped.Single(a => IsSpanOf(a, ActivityKind.Consumer, eventId));

        Assert.Equal(traceId, publish.TraceId);
        Assert.Equal(traceId, consume.TraceId);
        Assert.Equal(publish.SpanId, consume.ParentSpanId);
        Assert.Equal(traceId, inbox.Succeeded(_prefix + "traced")[0].Trace?.TraceId);
    }

    [Fact]
    public async Task PublishingWhileRedisIsDown_NeitherThrowsNorBlocks_AndTheEventsArriveAfterItRestarts()
    {
        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox);
        bus.Publisher.Publish(SampleEvents.Inference(_prefix + "before"));
        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix + "before").Count == 1, "the consumer was running");

        redis.Stop();
        try
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 3; i++)
            {
                Assert.True(bus.Publisher.Publish(SampleEvents.Inference(_prefix + "outage-" + i)));
            }
            clock.Stop();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"publishing took {clock.Elapsed} while Redis was down");

            await Task.Delay(TimeSpan.FromSeconds(2)); // let the send loop fail and back off at least once
        }
        finally
        {
            await redis.StartAsync();
        }

        await Eventually.HoldsAsync(
            () => inbox.Succeeded(_prefix + "outage-").Select(d => d.Event.RequestId).Distinct().Count() == 3,
            "the events published during the outage arrived",
            TimeSpan.FromSeconds(30));
    }

    private async Task<long> PendingAsync()
    {
        using var client = redis.Connect();
        var pending = await client.GetDatabase().StreamPendingAsync(InferenceCompleted.Topic, _group);
        return pending.PendingMessageCount;
    }

    private static bool IsSpanOf(Activity activity, ActivityKind kind, string eventId) =>
        activity.Source.Name == EventBusTelemetry.Name
        && activity.Kind == kind
        && (activity.GetTagItem("messaging.message.id") as string) == eventId;
}

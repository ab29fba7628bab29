using AiAspire.Contracts.Events;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>The running consumer keeps its topic's stream short without removing what another group has not processed.</summary>
public sealed class ConsumerTrimTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private readonly string _group = "g-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _prefix = "r-" + Guid.NewGuid().ToString("N")[..8] + "-";

    [Fact]
    public async Task TheConsumer_TrimsWhatEveryGroupAcknowledged_AndKeepsWhatALaggingGroupHasNot()
    {
        using var client = redis.Connect();
        var db = client.GetDatabase();
        var lagging = "lagging-" + Guid.NewGuid().ToString("N")[..8]; // another service's group, not reading yet
        await db.StreamCreateConsumerGroupAsync(InferenceCompleted.Topic, lagging, StreamPosition.Beginning, createStream: true);
        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox);

        for (var i = 0; i < 300; i++)
        {
            bus.Publisher.Publish(SampleEvents.Inference(_prefix + i));
        }
        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix).Count == 300, "the consumer handled every event");
        Assert.Equal(300, await db.StreamLengthAsync(InferenceCompleted.Topic));
        var last = (await db.StreamRangeAsync(InferenceCompleted.Topic, count: 1, messageOrder: Order.Descending))[0].Id;

        var taken = await db.StreamReadGroupAsync(InferenceCompleted.Topic, lagging, "slow", ">", 150);
        await db.StreamAcknowledgeAsync(InferenceCompleted.Topic, lagging, [.. taken[..100].Select(e => e.Id)]);

        // Traffic goes on (entries are kept for a margin behind the newest one) until some of the first 100 are gone.
        var more = 0;
        await Eventually.HoldsAsync(async () =>
            {
                bus.Publisher.Publish(SampleEvents.Inference(_prefix + "later-" + more++));
                return (await db.StreamRangeAsync(InferenceCompleted.Topic, "-", taken[99].Id)).Length < 100;
            },
            "entries both groups acknowledged were trimmed", TimeSpan.FromSeconds(60));

        // Nothing the lagging group has not acknowledged is gone: its 50 pending entries and the 150 it has not read.
        Assert.Equal(200, (await db.StreamRangeAsync(InferenceCompleted.Topic, taken[100].Id, last)).Length);
        Assert.Equal(
            [.. taken[100..].Select(e => e.Id.ToString())],
            (await db.StreamRangeAsync(InferenceCompleted.Topic, taken[100].Id, taken[^1].Id)).Select(e => e.Id.ToString()));
    }
}

using AiAspire.Contracts.Events;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>Redis Streams: entries stuck pending are claimed by another consumer; ones that keep failing are dead-lettered.</summary>
public sealed class StuckEntriesTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly Uri Source = new("/aiaspire/test", UriKind.Relative);

    private static readonly Dictionary<string, string?> QuickClaims = new()
    {
        ["EventBus:ClaimIdleTime"] = "00:00:00.300",
        ["EventBus:MaxDeliveries"] = "3",
    };

    private readonly string _group = "g-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _prefix = "r-" + Guid.NewGuid().ToString("N")[..8] + "-";

    [Fact]
    public async Task EntryPendingAtACrashedConsumer_IsClaimedAfterTheIdleTime_AndHandledOnce()
    {
        using var client = redis.Connect();
        var db = client.GetDatabase();
        await db.StreamCreateConsumerGroupAsync(InferenceCompleted.Topic, _group, StreamPosition.NewMessages, createStream: true);
        var message = EventEnvelope.Encode(SampleEvents.Inference(_prefix + "orphan"), Source, null, null);
        await db.StreamAddAsync(InferenceCompleted.Topic, [new("id", message.Id), new("event", message.Body)]);
        var taken = await db.StreamReadGroupAsync(InferenceCompleted.Topic, _group, "crashed-consumer", ">", 10);
        Assert.Single(taken);

        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox, settings: QuickClaims);

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix + "orphan").Count == 1, "the orphaned entry was claimed and handled");
        var delivery = inbox.Succeeded(_prefix + "orphan")[0];
        Assert.Equal(message.Id, delivery.Context.EventId);
        Assert.Equal(2, delivery.Context.DeliveryCount);
        await Eventually.HoldsAsync(async () => (await db.StreamPendingAsync(InferenceCompleted.Topic, _group)).PendingMessageCount == 0,
            "the claimed entry was acknowledged");
        await Task.Delay(1_000); // several more claim passes
        Assert.Single(inbox.Attempts(_prefix + "orphan"));
    }

    [Fact]
    public async Task EventWhoseHandlerKeepsFailing_IsTriedMaxDeliveriesTimes_ThenMovedToTheDeadLetterStream()
    {
        var poison = _prefix + "poison";
        var inbox = new Inbox { Fails = e => e.RequestId == poison };
        await using var bus = await BusHost.StartAsync(redis, _group, inbox, settings: QuickClaims);
        using var client = redis.Connect();
        var db = client.GetDatabase();

        bus.Publisher.Publish(SampleEvents.Inference(poison));
        bus.Publisher.Publish(SampleEvents.Inference(_prefix + "healthy"));

        var deadLetters = DeadLetters.TopicOf(InferenceCompleted.Topic);
        await Eventually.HoldsAsync(async () => (await DeadLettersOf(db, deadLetters)).Length == 1, "the poison event was dead-lettered");
        var attempts = inbox.Attempts(poison);
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Context.DeliveryCount));
        Assert.Single(inbox.Succeeded(_prefix + "healthy"));

        var entry = (await DeadLettersOf(db, deadLetters))[0];
        Assert.Equal(attempts[0].Context.EventId, (string?)entry["id"]);
        Assert.Equal(_group, (string?)entry["group"]);
        Assert.Equal(3, (int)entry["deliveries"]);
        var (_, original) = EventEnvelope.Decode<InferenceCompleted>((byte[])entry["event"]!);
        Assert.Equal(poison, original.RequestId);
        Assert.Equal(0, (await db.StreamPendingAsync(InferenceCompleted.Topic, _group)).PendingMessageCount);
    }

    private async Task<StreamEntry[]> DeadLettersOf(IDatabase db, string deadLetters) =>
        [.. (await db.StreamRangeAsync(deadLetters)).Where(e => (string?)e["group"] == _group)];
}

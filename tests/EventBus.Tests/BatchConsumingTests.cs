using AiAspire.Contracts.Events;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>Redis Streams with an <see cref="Consuming.IBatchEventHandler{TEvent}"/>: a read batch at once, one acknowledgement for it.</summary>
public sealed class BatchConsumingTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly Uri Source = new("/aiaspire/test", UriKind.Relative);

    private readonly string _group = "g-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _prefix = "r-" + Guid.NewGuid().ToString("N")[..8] + "-";

    [Fact]
    public async Task EntriesWaitingWhenTheConsumerStarts_AreHandedOverInOneBatch_AndAllAcknowledged()
    {
        await AddBeforeTheConsumerStartsAsync(50);
        var inbox = new Inbox();
        var batches = new Batches();

        await using var bus = await BusHost.StartAsync(redis, _group, inbox, batches: batches);

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix).Count == 50, "the fifty events were handled");
        Assert.Equal([50], batches.Sizes);
        Assert.Equal(50, inbox.Succeeded(_prefix).Select(d => d.Context.EventId).Distinct().Count());
        Assert.All(inbox.Succeeded(_prefix), d => Assert.Equal(1, d.Context.DeliveryCount));
        await Eventually.HoldsAsync(async () => await PendingAsync() == 0, "the batch was acknowledged");
    }

    [Fact]
    public async Task ABatchThatFails_IsHandledOneEventAtATime_SoOnlyTheFailingEventStaysPending()
    {
        await AddBeforeTheConsumerStartsAsync(10);
        var poison = _prefix + "3";
        var inbox = new Inbox { Fails = e => e.RequestId == poison };
        var batches = new Batches();

        await using var bus = await BusHost.StartAsync(redis, _group, inbox, batches: batches);

        await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix).Count == 9, "the nine other events were handled");
        Assert.Equal(10, batches.Sizes.First());
        Assert.DoesNotContain(inbox.Succeeded(_prefix), d => d.Event.RequestId == poison);
        Assert.NotEmpty(inbox.Attempts(poison));
        await Eventually.HoldsAsync(async () => await PendingAsync() == 1, "only the failing event stayed pending");
        using var client = redis.Connect();
        var pending = await client.GetDatabase().StreamPendingMessagesAsync(InferenceCompleted.Topic, _group, 10, RedisValue.Null);
        var entry = (await client.GetDatabase().StreamRangeAsync(InferenceCompleted.Topic, pending[0].MessageId, pending[0].MessageId)).Single();
        Assert.Equal(poison, EventEnvelope.Decode<InferenceCompleted>((byte[])entry["event"]!).Event.RequestId);
    }

    /// <summary>Creates the group at the stream's end and adds events to it while no consumer runs.</summary>
    private async Task AddBeforeTheConsumerStartsAsync(int count)
    {
        using var client = redis.Connect();
        var db = client.GetDatabase();
        await db.StreamCreateConsumerGroupAsync(InferenceCompleted.Topic, _group, StreamPosition.NewMessages, createStream: true);
        for (var i = 0; i < count; i++)
        {
            var message = EventEnvelope.Encode(SampleEvents.Inference(_prefix + i), Source, null, null);
            await db.StreamAddAsync(InferenceCompleted.Topic, [new("id", message.Id), new("event", message.Body)]);
        }
    }

    private async Task<long> PendingAsync()
    {
        using var client = redis.Connect();
        return (await client.GetDatabase().StreamPendingAsync(InferenceCompleted.Topic, _group)).PendingMessageCount;
    }
}

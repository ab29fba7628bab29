using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.EventBus.Consuming;
using AiAspire.FeedbackWorker.Datasets;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.TestKit;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>Interactions projected a batch at a time, against a real redis-server.</summary>
public sealed class InteractionProjectionTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _client = redis.Connect();

    private IDatabase Db => _client.GetDatabase();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ABatch_StoresEachInteractionAndIndexesItUnderItsOwnTenant_AndSkipsUnusableOnes()
    {
        var (a, b) = (Inferences.NewTenant(), Inferences.NewTenant());
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var projection = new InteractionProjection(_client, Options.Create(new DatasetOptions()), TimeProvider.System);

        await projection.HandleBatchAsync(
        [
            Consumed(Interaction(a, "r1", at)),
            Consumed(Interaction(b, "r1", at.AddSeconds(1))),
            Consumed(Interaction(a, "r2", at.AddSeconds(2))),
            Consumed(Interaction(a, "", at)), // no request id
        ], CancellationToken.None);

        Assert.Equal(["r1", "r2"], (await Db.SortedSetRangeByScoreAsync(QualityKeys.Interactions(a))).Select(v => v.ToString()));
        Assert.Equal(["r1"], (await Db.SortedSetRangeByScoreAsync(QualityKeys.Interactions(b))).Select(v => v.ToString()));
        var stored = System.Text.Json.JsonSerializer.Deserialize((string)(await Db.StringGetAsync(QualityKeys.Interaction(b, "r1")))!,
            EventsJsonContext.Default.InteractionCaptured);
        Assert.Equal((b, "r1", "Answer r1"), (stored!.Tenant, stored.RequestId, stored.Response));
        Assert.InRange(await Db.KeyTimeToLiveAsync(QualityKeys.Interaction(a, "r2")) ?? TimeSpan.Zero,
            new DatasetOptions().Retention - TimeSpan.FromMinutes(1), new DatasetOptions().Retention);
    }

    [Fact]
    public async Task IndexEntriesPastRetention_AreForgotten()
    {
        var tenant = Inferences.NewTenant();
        var projection = new InteractionProjection(_client, Options.Create(new DatasetOptions()), TimeProvider.System);
        await Db.SortedSetAddAsync(QualityKeys.Interactions(tenant), "ancient",
            (DateTimeOffset.UtcNow - new DatasetOptions().Retention - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds());

        await projection.HandleBatchAsync([Consumed(Interaction(tenant, "fresh", DateTimeOffset.UtcNow))], CancellationToken.None);

        Assert.Equal(["fresh"], (await Db.SortedSetRangeByScoreAsync(QualityKeys.Interactions(tenant))).Select(v => v.ToString()));
    }

    private static InteractionCaptured Interaction(string tenant, string requestId, DateTimeOffset at) =>
        new(requestId, tenant, "gpt-4o-mini", [new("user", "Question " + requestId)], "Answer " + requestId, at);

    private static ConsumedEvent<InteractionCaptured> Consumed(InteractionCaptured @event) =>
        new(@event, new EventContext(Guid.NewGuid().ToString("N"), InteractionCaptured.Topic, @event.Timestamp, 1));
}

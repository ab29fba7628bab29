using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.FeedbackWorker.Quality;
using AiAspire.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>The projection against a real redis-server, called directly as the consumer would.</summary>
public sealed class InferenceProjectionTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _client = redis.Connect();
    private readonly string _tenant = Inferences.NewTenant();

    private IDatabase Db => _client.GetDatabase();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task SameEventIdTwice_CountsOnce()
    {
        var projection = Projection();
        var @event = Inferences.Completed(_tenant, tokensIn: 7, costUsd: 0.25m);

        await projection.HandleAsync(@event, Context("evt-1"), CancellationToken.None);
        await projection.HandleAsync(@event, Context("evt-1", deliveryCount: 2), CancellationToken.None);

        var summary = await Summary();
        Assert.Equal(1, summary.Total.Requests);
        Assert.Equal(7, summary.Total.TokensIn);
        Assert.Equal(0.25m, summary.Total.CostUsd);
    }

    [Fact]
    public async Task SameEventIdDeliveredConcurrently_CountsOnce()
    {
        var projection = Projection();
        var @event = Inferences.Completed(_tenant);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => projection.HandleAsync(@event, Context("evt-race"), CancellationToken.None)));

        Assert.Equal(1, (await Summary()).Total.Requests);
    }

    [Fact]
    public async Task DistinctEventIds_WithEqualPayloads_CountSeparately()
    {
        var projection = Projection();
        var @event = Inferences.Completed(_tenant);

        await projection.HandleAsync(@event, Context("evt-a"), CancellationToken.None);
        await projection.HandleAsync(@event, Context("evt-b"), CancellationToken.None);

        Assert.Equal(2, (await Summary()).Total.Requests);
    }

    [Fact]
    public async Task Costs_AddUpExactly()
    {
        var projection = Projection();

        await projection.HandleAsync(Inferences.Completed(_tenant, costUsd: 0.1m), Context("c1"), CancellationToken.None);
        await projection.HandleAsync(Inferences.Completed(_tenant, costUsd: 0.2m), Context("c2"), CancellationToken.None);
        await projection.HandleAsync(Inferences.Completed(_tenant, costUsd: 0.000000123m), Context("c3"), CancellationToken.None);

        Assert.Equal(0.300000123m, (await Summary()).Total.CostUsd);
    }

    [Fact]
    public async Task Event_IsCountedPerModel_AndPerModelRouteAndMinute_WithRetention()
    {
        var projection = Projection();
        var at = new DateTimeOffset(2026, 11, 28, 9, 41, 59, TimeSpan.Zero);
        var @event = Inferences.Completed(_tenant, model: "claude-x", route: "/api/chat", latencyMs: 120, tokensIn: 11,
            tokensOut: 22, status: "error", cacheHit: true, guardBlocked: true, at: at);

        await projection.HandleAsync(@event, Context("evt-k"), CancellationToken.None);

        Assert.Equal(["claude-x"], (await Db.SetMembersAsync(QualityKeys.Models(_tenant))).Select(v => v.ToString()));
        Assert.Equal([QualityKeys.SeriesMember("claude-x", "/api/chat")], (await Db.SetMembersAsync(QualityKeys.Series(_tenant))).Select(v => v.ToString()));

        foreach (var key in new[] { QualityKeys.Totals(_tenant, "claude-x"), QualityKeys.Minute(_tenant, "claude-x", "/api/chat", at) })
        {
            var hash = (await Db.HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => (long)e.Value);
            Assert.Equal(1, hash[QualityFields.Requests]);
            Assert.Equal(1, hash[QualityFields.Errors]);
            Assert.Equal(11, hash[QualityFields.TokensIn]);
            Assert.Equal(22, hash[QualityFields.TokensOut]);
            Assert.Equal(1, hash[QualityFields.CacheHits]);
            Assert.Equal(1, hash[QualityFields.GuardBlocks]);
            Assert.Equal(120_000, hash[QualityFields.LatencySumMicroseconds]);
            Assert.Equal(1, hash[QualityFields.LatencyBucket(LatencyHistogram.BucketOf(120))]);
        }

        Assert.EndsWith(":202611280941", QualityKeys.Minute(_tenant, "claude-x", "/api/chat", at));
        Assert.Null(await Db.KeyTimeToLiveAsync(QualityKeys.Totals(_tenant, "claude-x")));
        Assert.InRange(await Db.KeyTimeToLiveAsync(QualityKeys.Minute(_tenant, "claude-x", "/api/chat", at)) ?? TimeSpan.Zero,
            TimeSpan.FromDays(14) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(14));
        Assert.InRange(await Db.KeyTimeToLiveAsync(QualityKeys.Applied(_tenant, "evt-k")) ?? TimeSpan.Zero,
            TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task EventWithoutModel_IsCountedUnderNone()
    {
        await Projection().HandleAsync(Inferences.Completed(_tenant, model: "", status: "blocked"), Context("evt-n"), CancellationToken.None);

        var model = Assert.Single((await Summary()).Models);
        Assert.Equal(InferenceProjection.Unnamed, model.Model);
        Assert.Equal(1, model.Figures.Errors);
    }

    [Fact]
    public async Task TenantsAndModelsWithSeparatorsInTheirNames_DoNotMix()
    {
        var projection = Projection();
        var tenant = _tenant + ":x}";

        await projection.HandleAsync(Inferences.Completed(tenant, model: "m:1"), Context("s1"), CancellationToken.None);
        await projection.HandleAsync(Inferences.Completed(_tenant, model: "x}:m:1"), Context("s2"), CancellationToken.None);

        var first = await new QualityReadModel(_client).GetSummaryAsync(tenant, CancellationToken.None);
        Assert.Equal("m:1", Assert.Single(first.Models).Model);
        Assert.Equal(1, first.Total.Requests);
        Assert.Equal("x}:m:1", Assert.Single((await Summary()).Models).Model);
    }

    public static TheoryData<string, InferenceCompleted> Unusable => new()
    {
        { "no tenant", Inferences.Completed(" ") },
        { "negative tokens", Inferences.Completed("reject-me", tokensIn: -1) },
        { "latency not a number", Inferences.Completed("reject-me", latencyMs: double.NaN) },
        { "negative latency", Inferences.Completed("reject-me", latencyMs: -5) },
        { "negative cost", Inferences.Completed("reject-me", costUsd: -0.01m) },
        { "huge cost", Inferences.Completed("reject-me", costUsd: 1e12m) },
        { "overlong model", Inferences.Completed("reject-me", model: new string('m', 300)) },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task UnusableEvent_IsSkippedWithoutATrace(string why, InferenceCompleted @event)
    {
        await Projection().HandleAsync(@event, Context("bad-" + why), CancellationToken.None);

        Assert.Empty(await Db.SetMembersAsync(QualityKeys.Models(@event.Tenant)));
        Assert.False(await Db.KeyExistsAsync(QualityKeys.Applied(@event.Tenant, "bad-" + why)), why);
    }

    private InferenceProjection Projection() => new(
        _client, Options.Create(new ProjectionOptions()), TimeProvider.System, NullLogger<InferenceProjection>.Instance);

    private Task<Contracts.Quality.QualitySummary> Summary() =>
        new QualityReadModel(_client).GetSummaryAsync(_tenant, CancellationToken.None);

    private static EventContext Context(string eventId, int deliveryCount = 1) =>
        new(eventId, Topics.InferenceEvents, DateTimeOffset.UtcNow, deliveryCount);
}

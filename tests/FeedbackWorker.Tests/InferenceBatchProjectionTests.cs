using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.EventBus.Consuming;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.FeedbackWorker.Quality;
using AiAspire.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>A read batch projected at once counts exactly what the same events counted one by one would.</summary>
public sealed class InferenceBatchProjectionTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private static readonly DateTimeOffset Minute1 = new(2026, 11, 28, 9, 41, 10, TimeSpan.Zero);
    private static readonly DateTimeOffset Minute2 = Minute1.AddMinutes(1);

    private readonly ConnectionMultiplexer _client = redis.Connect();

    private IDatabase Db => _client.GetDatabase();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task ABatch_OfSeveralTenantsModelsRoutesAndMinutes_CountsWhatTheEventsOneByOneCount()
    {
        var (batchA, batchB) = (Inferences.NewTenant(), Inferences.NewTenant());
        var (singleA, singleB) = (Inferences.NewTenant(), Inferences.NewTenant());
        var events = Enumerable.Range(0, 40).Select(i => (Tenant: i % 3 == 0 ? 1 : 0, Event: Varied(i))).ToList();

        await Projection().HandleBatchAsync(
            [.. events.Select((e, i) => Consumed(e.Event with { Tenant = e.Tenant == 0 ? batchA : batchB }, "b" + i))], CancellationToken.None);
        foreach (var (e, i) in events.Select((e, i) => (e, i)))
        {
            await Projection().HandleAsync(e.Event with { Tenant = e.Tenant == 0 ? singleA : singleB }, Context("s" + i), CancellationToken.None);
        }

        await AssertSameFiguresAsync(batchA, singleA);
        await AssertSameFiguresAsync(batchB, singleB);
        Assert.Equal(26, (await Summary(batchA)).Total.Requests);
        Assert.Equal(14, (await Summary(batchB)).Total.Requests);
        Assert.Contains(batchA, (await Db.SetMembersAsync(QualityKeys.Tenants)).Select(v => v.ToString()));
    }

    [Fact]
    public async Task AnEventIdTwiceInABatch_OrAlreadyApplied_CountsOnce()
    {
        var tenant = Inferences.NewTenant();
        var projection = Projection();
        await projection.HandleAsync(Inferences.Completed(tenant, tokensIn: 1), Context("e1"), CancellationToken.None);

        await projection.HandleBatchAsync(
        [
            Consumed(Inferences.Completed(tenant, tokensIn: 1), "e1", deliveryCount: 2),
            Consumed(Inferences.Completed(tenant, tokensIn: 10), "e2"),
            Consumed(Inferences.Completed(tenant, tokensIn: 10), "e2"),
            Consumed(Inferences.Completed(tenant, tokensIn: 100), "e3"),
        ], CancellationToken.None);

        var summary = await Summary(tenant);
        Assert.Equal(3, summary.Total.Requests);
        Assert.Equal(111, summary.Total.TokensIn);
    }

    [Fact]
    public async Task ABatchRedeliveredAfterACrashThatAppliedPartOfIt_CountsEveryEventOnce()
    {
        var (first, second) = (Inferences.NewTenant(), Inferences.NewTenant());
        ConsumedEvent<InferenceCompleted>[] batch =
        [
            Consumed(Inferences.Completed(first, costUsd: 0.5m), "c1"),
            Consumed(Inferences.Completed(second, costUsd: 0.25m), "c2"),
            Consumed(Inferences.Completed(first, costUsd: 0.125m), "c3"),
        ];
        // One tenant's script ran before the crash, the other's did not, and nothing was acknowledged.
        await Projection().HandleBatchAsync([batch[0], batch[2]], CancellationToken.None);

        await Projection().HandleBatchAsync([.. batch.Select(e => e with { Context = e.Context with { DeliveryCount = 2 } })], CancellationToken.None);

        Assert.Equal((2, 0.625m), ((await Summary(first)).Total.Requests, (await Summary(first)).Total.CostUsd));
        Assert.Equal((1, 0.25m), ((await Summary(second)).Total.Requests, (await Summary(second)).Total.CostUsd));
    }

    [Fact]
    public async Task CostsTooLargeForAnExactLuaNumber_StillAddUpExactly()
    {
        var tenant = Inferences.NewTenant();
        const decimal cost = 999_999.123456789m; // 1e15 nano-USD each: ten of them pass 2^53

        await Projection().HandleBatchAsync(
            [.. Enumerable.Range(0, 10).Select(i => Consumed(Inferences.Completed(tenant, costUsd: cost), "big" + i))], CancellationToken.None);

        Assert.Equal(10 * cost, (await Summary(tenant)).Total.CostUsd);
    }

    [Fact]
    public async Task ABatchOfUnusableEventsOnly_WritesNothing()
    {
        var tenant = Inferences.NewTenant();

        await Projection().HandleBatchAsync(
            [Consumed(Inferences.Completed(tenant, tokensIn: -1), "u1"), Consumed(Inferences.Completed(" "), "u2")], CancellationToken.None);

        Assert.Empty(await Db.SetMembersAsync(QualityKeys.Models(tenant)));
        Assert.False(await Db.KeyExistsAsync(QualityKeys.Applied(tenant, "u1")));
    }

    private static InferenceCompleted Varied(int i) => Inferences.Completed(
        "unused",
        model: i % 4 == 0 ? "claude-x" : i % 4 == 1 ? "" : "gpt-4o-mini",
        latencyMs: 3 + i * 37.5,
        tokensIn: i * 7,
        tokensOut: i % 5,
        costUsd: 0.000001m * i,
        status: i % 6 == 0 ? "error" : "ok",
        route: i % 2 == 0 ? "/api/chat" : "/v1/chat/completions",
        cacheHit: i % 7 == 0,
        guardBlocked: i % 9 == 0,
        at: i % 3 == 1 ? Minute2 : Minute1);

    /// <summary>Every figure key of <paramref name="tenant"/> holds what the same key of <paramref name="expected"/> holds.</summary>
    private async Task AssertSameFiguresAsync(string tenant, string expected)
    {
        var models = (await Db.SetMembersAsync(QualityKeys.Models(expected))).Select(v => v.ToString()).Order().ToList();
        var series = (await Db.SetMembersAsync(QualityKeys.Series(expected))).Select(v => v.ToString()).Order().ToList();
        Assert.Equal(models, (await Db.SetMembersAsync(QualityKeys.Models(tenant))).Select(v => v.ToString()).Order());
        Assert.Equal(series, (await Db.SetMembersAsync(QualityKeys.Series(tenant))).Select(v => v.ToString()).Order());
        Assert.NotEmpty(series);
        var keys = models.Select(m => (Actual: QualityKeys.Totals(tenant, m), Expected: QualityKeys.Totals(expected, m)))
            .Concat(series.SelectMany(s => new[] { Minute1, Minute2 }.Select(at =>
                (Actual: QualityKeys.MinuteOfSeries(tenant, s, at), Expected: QualityKeys.MinuteOfSeries(expected, s, at)))));
        foreach (var (actual, wanted) in keys)
        {
            Assert.Equal(await HashAsync(wanted), await HashAsync(actual));
            Assert.Equal(await Db.KeyTimeToLiveAsync(wanted) is null, await Db.KeyTimeToLiveAsync(actual) is null);
        }
    }

    private async Task<SortedDictionary<string, long>> HashAsync(string key) =>
        new((await Db.HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => (long)e.Value), StringComparer.Ordinal);

    private InferenceProjection Projection() => new(
        _client, Options.Create(new ProjectionOptions()), TimeProvider.System, NullLogger<InferenceProjection>.Instance);

    private Task<Contracts.Quality.QualitySummary> Summary(string tenant) =>
        new QualityReadModel(_client).GetSummaryAsync(tenant, CancellationToken.None);

    private static ConsumedEvent<InferenceCompleted> Consumed(InferenceCompleted @event, string eventId, int deliveryCount = 1) =>
        new(@event, Context(eventId, deliveryCount));

    private static EventContext Context(string eventId, int deliveryCount = 1) =>
        new(eventId, Topics.InferenceEvents, DateTimeOffset.UtcNow, deliveryCount);
}

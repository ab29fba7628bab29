using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Quality;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Quality;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>Feedback becomes the quality scores the router ranks by: per tenant, summed over tenants, in Redis.</summary>
public sealed class RouterQualityPublisherTests(FeedbackWorkerApp app) : IClassFixture<FeedbackWorkerApp>
{
    private IEventPublisher Publisher => app.Services.GetRequiredService<IEventPublisher>();

    private RouterQualityPublisher QualityPublisher => app.Services.GetRequiredService<RouterQualityPublisher>();

    [Fact]
    public async Task Publish_ScoresEachTenantsModelsAndTheirSumWithTheWilsonLowerBound()
    {
        var (first, second) = (Inferences.NewTenant(), Inferences.NewTenant());
        var (good, poor) = ("good-" + Guid.NewGuid().ToString("N")[..8], "poor-" + Guid.NewGuid().ToString("N")[..8]);
        Rate(first, good, up: 8, down: 2);
        Rate(second, good, up: 1, down: 1);
        Rate(first, poor, up: 1, down: 4);

        var snapshot = await Eventually.MatchesAsync(() => QualityPublisher.PublishAsync(CancellationToken.None),
            s => s.Tenants.TryGetValue(first, out var f) && f.Sum(m => m.Ratings) == 15
                && s.Tenants.TryGetValue(second, out var t) && t.Sum(m => m.Ratings) == 2,
            "every rating was projected and published");

        Assert.Equal(
            [new ModelQualityScore(good, 8, 2, RouterQualityScores.WilsonLowerBound(8, 2)), new ModelQualityScore(poor, 1, 4, RouterQualityScores.WilsonLowerBound(1, 4))],
            snapshot.Tenants[first]);
        Assert.Equal(new ModelQualityScore(good, 9, 3, RouterQualityScores.WilsonLowerBound(9, 3)), snapshot.Global.Single(m => m.Model == good));
        Assert.Equal(new ModelQualityScore(poor, 1, 4, RouterQualityScores.WilsonLowerBound(1, 4)), snapshot.Global.Single(m => m.Model == poor));

        // What the router reads is what was computed.
        using var redis = app.Redis.Connect();
        var stored = JsonSerializer.Deserialize((string)(await redis.GetDatabase().StringGetAsync(RouterQualityScores.RedisKey))!,
            ContractsJsonContext.Default.RouterQualitySnapshot)!;
        Assert.Contains(stored.Global, m => m.Model == good && m.Up == 9 && m.Down == 3);
    }

    [Fact]
    public async Task Publish_ModelsWithoutRatings_AreLeftOut()
    {
        var tenant = Inferences.NewTenant();
        var unrated = "unrated-" + Guid.NewGuid().ToString("N")[..8];
        Publisher.Publish(Inferences.Completed(tenant, model: unrated));
        Rate(tenant, "rated", up: 1, down: 0);

        var snapshot = await Eventually.MatchesAsync(() => QualityPublisher.PublishAsync(CancellationToken.None),
            s => s.Tenants.ContainsKey(tenant), "the rating was projected");

        Assert.Equal(["rated"], snapshot.Tenants[tenant].Select(m => m.Model));
        Assert.DoesNotContain(snapshot.Global, m => m.Model == unrated);
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(1, 0, 0.2065)]
    [InlineData(9, 1, 0.5958)]
    [InlineData(90, 10, 0.8256)]
    [InlineData(50, 50, 0.4038)]
    public void WilsonLowerBound_TrustsManyRatingsMoreThanFew(long up, long down, double expected) =>
        Assert.Equal(expected, RouterQualityScores.WilsonLowerBound(up, down), precision: 4);

    private void Rate(string tenant, string model, int up, int down)
    {
        foreach (var rating in Enumerable.Repeat(FeedbackRatings.Up, up).Concat(Enumerable.Repeat(FeedbackRatings.Down, down)))
        {
            Publisher.Publish(new FeedbackSubmitted(Guid.NewGuid().ToString("N"), tenant, model, "smart", rating, DateTimeOffset.UtcNow));
        }
    }
}

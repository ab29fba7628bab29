using AiAspire.Contracts.Quality;

namespace AiAspire.RouterService.Tests.Strategies;

public sealed class QualityStrategyTests
{
    private static ModelQualityScore Rated(string model, long up, long down) =>
        new(model, up, down, RouterQualityScores.WilsonLowerBound(up, down));

    private static RouterQualitySnapshot Snapshot(IReadOnlyList<ModelQualityScore> global, params (string Tenant, ModelQualityScore[] Scores)[] tenants) =>
        new(DateTimeOffset.UnixEpoch, global, tenants.ToDictionary(t => t.Tenant, t => (IReadOnlyList<ModelQualityScore>)t.Scores));

    private static Planning ThreeTiers()
    {
        var planning = new Planning();
        planning.Router.QualityMinRatings = 20;
        planning.Deployment("small", tier: 1);
        planning.Deployment("medium", tier: 2);
        planning.Deployment("large", tier: 3);
        planning.Route("smart", "quality", "small", "medium", "large");
        return planning;
    }

    [Fact]
    public void Rank_Tiers_HighestFirstAndConfiguredOrderAmongEquals()
    {
        var planning = new Planning();
        planning.Deployment("small", tier: 1);
        planning.Deployment("large-a", tier: 3);
        planning.Deployment("medium", tier: 2);
        planning.Deployment("large-b", tier: 3);
        planning.Route("smart", "quality", "small", "large-a", "medium", "large-b");

        var plan = planning.Plan("smart");

        Assert.Equal(["large-a", "large-b", "medium", "small"], plan.Deployments.Select(d => d.Name));
        Assert.Equal([3d, 3, 2, 1], plan.Ranking.Select(r => r.Score));
        Assert.Equal(["tier 3", "tier 3", "tier 2", "tier 1"], plan.Ranking.Select(r => r.Reason));
    }

    [Fact]
    public void Rank_EveryCandidateRatedEnough_RanksByMeasuredQualityOverTier()
    {
        var planning = ThreeTiers();
        planning.Scores.Load(Snapshot([Rated("small", 95, 5), Rated("medium", 60, 40), Rated("large", 30, 20)]));

        var plan = planning.Plan("smart");

        Assert.Equal(["small", "medium", "large"], plan.Deployments.Select(d => d.Name));
        Assert.Equal(Math.Round(RouterQualityScores.WilsonLowerBound(95, 5), 4), plan.Ranking[0].Score);
        Assert.Equal("measured quality 0.8882: Wilson lower bound of 95 up / 5 down from all tenants ratings", plan.Ranking[0].Reason);
    }

    [Fact]
    public void Rank_OneCandidateWithTooFewRatings_FallsBackToTiersAndSaysWhy()
    {
        var planning = ThreeTiers();
        planning.Scores.Load(Snapshot([Rated("small", 95, 5), Rated("medium", 60, 40), Rated("large", 3, 2)]));

        var plan = planning.Plan("smart");

        Assert.Equal(["large", "medium", "small"], plan.Deployments.Select(d => d.Name));
        Assert.Equal([3d, 2, 1], plan.Ranking.Select(r => r.Score));
        Assert.StartsWith("tier 3 (measured quality unused: large has fewer than 20 ratings; 5 of 20 ratings needed (all tenants)", plan.Ranking[0].Reason);
        Assert.Contains("its measured quality 0.888", plan.Ranking[2].Reason);
    }

    [Fact]
    public void Rank_TiersDecide_MeasuredQualityBreaksTiesWithinATier()
    {
        var planning = new Planning();
        planning.Deployment("new", tier: 1);
        planning.Deployment("large-a", tier: 3);
        planning.Deployment("large-b", tier: 3);
        planning.Route("smart", "quality", "new", "large-a", "large-b");
        planning.Scores.Load(Snapshot([Rated("large-a", 50, 50), Rated("large-b", 90, 10)]));

        Assert.Equal(["large-b", "large-a", "new"], planning.Plan("smart").Deployments.Select(d => d.Name));
    }

    [Fact]
    public void Rank_TenantWithEnoughOwnRatings_UsesThemOverEveryonesElseTheGlobalOnes()
    {
        var planning = ThreeTiers();
        planning.Scores.Load(Snapshot(
            [Rated("small", 900, 100), Rated("medium", 500, 500), Rated("large", 400, 600)],
            ("picky", [Rated("small", 2, 28), Rated("medium", 25, 5), Rated("large", 3, 1)])));

        var picky = planning.Plan(Planning.Ask("smart", "hello"), tenant: "picky");
        var other = planning.Plan(Planning.Ask("smart", "hello"), tenant: "someone-else");

        // picky's own ratings of small and medium are enough; of large (4) they are not, so everyone's count.
        Assert.Equal(["medium", "large", "small"], picky.Deployments.Select(d => d.Name));
        Assert.Contains("from tenant ratings", picky.Ranking[0].Reason);
        Assert.Contains("400 up / 600 down from all tenants ratings", picky.Ranking[1].Reason);
        Assert.Equal(["small", "medium", "large"], other.Deployments.Select(d => d.Name));
    }
}

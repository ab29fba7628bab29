namespace AiAspire.RouterService.Tests.Strategies;

public sealed class WeightedStrategyTests
{
    private static Planning Canary(int seed = 7)
    {
        var planning = new Planning(seed);
        planning.Deployment("stable");
        planning.Deployment("canary");
        planning.Deployment("spare");
        var route = planning.Route("release", "weighted", "stable", "canary", "spare");
        route.Weights["stable"] = 90;
        route.Weights["canary"] = 10;
        return planning;
    }

    [Fact]
    public void Rank_AnonymousRequests_SplitByTheConfiguredPercentages()
    {
        var planning = Canary();

        var firsts = Enumerable.Range(0, 10_000).Select(_ => planning.Order("release")[0]).ToList();

        Assert.InRange(firsts.Count(f => f == "canary"), 800, 1_200);
        Assert.InRange(firsts.Count(f => f == "stable"), 8_800, 9_200);
        Assert.DoesNotContain("spare", firsts);
    }

    [Fact]
    public void Rank_WeightZero_NeverFirstButStillAFallbackAfterTheWeightedOnes()
    {
        var orders = Enumerable.Range(0, 200).Select(_ => Canary().Order("release")).ToList();

        Assert.All(orders, order => Assert.Equal("spare", order[^1]));
    }

    [Fact]
    public void Rank_SameUser_AlwaysTheSameDeploymentWhateverTheRandomSource()
    {
        var choices = Enumerable.Range(0, 50).Select(seed => Canary(seed).Order("release", user: "user-42")[0]).Distinct();

        Assert.Single(choices);
    }

    [Fact]
    public void Rank_ManyUsers_StickyDrawsStillFollowThePercentages()
    {
        var planning = Canary();

        var canaryUsers = Enumerable.Range(0, 5_000).Count(i => planning.Order("release", user: $"user-{i}")[0] == "canary");

        Assert.InRange(canaryUsers, 400, 600);
    }

    [Fact]
    public void Rank_NoWeightsConfigured_EqualShares()
    {
        var planning = new Planning();
        planning.Deployment("a");
        planning.Deployment("b");
        planning.Route("ab", "weighted", "a", "b");

        var firsts = Enumerable.Range(0, 4_000).Select(_ => planning.Order("ab")[0]).ToList();

        Assert.InRange(firsts.Count(f => f == "a"), 1_800, 2_200);
        Assert.Equal([0.5, 0.5], planning.Plan("ab").Ranking.Select(r => r.Score));
    }
}

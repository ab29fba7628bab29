namespace AiAspire.RouterService.Tests.Strategies;

public sealed class QualityStrategyTests
{
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
    }
}

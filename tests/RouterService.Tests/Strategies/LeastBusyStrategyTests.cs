namespace AiAspire.RouterService.Tests.Strategies;

public sealed class LeastBusyStrategyTests
{
    [Fact]
    public void Rank_CallsInFlight_FewestFirstAndBackOnceTheyEnd()
    {
        var planning = new Planning();
        planning.Deployment("a");
        planning.Deployment("b");
        planning.Deployment("c");
        planning.Route("spread", "least-busy", "a", "b", "c");

        var idle = planning.Order("spread");
        var calls = new[] { planning.Observations.Begin("a"), planning.Observations.Begin("a"), planning.Observations.Begin("b") };
        var busy = planning.Plan("spread");
        foreach (var call in calls)
        {
            call.Dispose();
        }
        calls[0].Dispose();
        var after = planning.Order("spread");

        Assert.Equal(["a", "b", "c"], idle);
        Assert.Equal(["c", "b", "a"], busy.Deployments.Select(d => d.Name));
        Assert.Equal([0d, 1, 2], busy.Ranking.Select(r => r.Score));
        Assert.Equal(["a", "b", "c"], after);
        Assert.Equal(0, planning.Observations.InFlight("a"));
    }
}

namespace AiAspire.RouterService.Tests.Strategies;

public sealed class LatencyStrategyTests
{
    private static Planning Observed()
    {
        var planning = new Planning();
        planning.Deployment("slow");
        planning.Deployment("fast");
        planning.Route("quick", "latency", "slow", "fast");
        planning.Router.LatencySmoothing = 0.5;
        planning.Observations.Record("slow", firstTokenMs: 100, totalMs: 900);
        planning.Observations.Record("fast", firstTokenMs: 300, totalMs: 400);
        return planning;
    }

    [Fact]
    public void Rank_NonStreamedRequest_LowestAverageTotalLatencyFirst()
    {
        var plan = Observed().Plan("quick");

        Assert.Equal(["fast", "slow"], plan.Deployments.Select(d => d.Name));
        Assert.Equal([400d, 900], plan.Ranking.Select(r => r.Score));
        Assert.Contains("total latency", plan.Ranking[0].Reason);
    }

    [Fact]
    public void Rank_StreamedRequest_LowestAverageTimeToFirstTokenFirst()
    {
        var plan = Observed().Plan(Planning.Ask("quick", "hello") with { Stream = true });

        Assert.Equal(["slow", "fast"], plan.Deployments.Select(d => d.Name));
        Assert.Contains("time to first token", plan.Ranking[0].Reason);
    }

    [Fact]
    public void Rank_NewObservations_MoveTheAverageByTheSmoothingFactor()
    {
        var planning = Observed();

        planning.Observations.Record("fast", null, 2_000);
        planning.Observations.Record("fast", null, 2_000);

        Assert.Equal(["slow", "fast"], planning.Order("quick"));
        Assert.Equal(1_600, planning.Observations.Latency("fast")!.TotalMs);
    }

    [Fact]
    public void Rank_DeploymentNeverObserved_GoesFirstSoItGetsMeasured()
    {
        var planning = Observed();
        planning.Deployment("newcomer");
        planning.Catalog.Routes["quick"].Candidates.Add("newcomer");

        var plan = planning.Plan("quick");

        Assert.Equal(["newcomer", "fast", "slow"], plan.Deployments.Select(d => d.Name));
        Assert.Contains("not observed", plan.Ranking[0].Reason);
    }
}

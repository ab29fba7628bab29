namespace AiAspire.RouterService.Tests.Strategies;

public sealed class ComplexityStrategyTests
{
    public const string Easy = "What is the capital of France?";

    public const string Hard = """
        Explain why this recursive function overflows the stack, compare it with an iterative version,
        and derive its time complexity step by step:
        ```python
        def depth(node):
            return 1 + max(depth(c) for c in node.children)
        ```
        """;

    private static Planning Tiers()
    {
        var planning = new Planning();
        planning.Deployment("strong", tier: 3, inputPrice: 5, outputPrice: 15);
        planning.Deployment("mini", tier: 1, inputPrice: 0.15m, outputPrice: 0.6m);
        planning.Deployment("mini-pricier", tier: 1, inputPrice: 0.5m, outputPrice: 1.5m);
        planning.Route("auto", "complexity", "strong", "mini-pricier", "mini");
        return planning;
    }

    [Fact]
    public void Rank_EasyPrompt_CheapTierFirstCheapestWithinIt()
    {
        var plan = Tiers().Plan("auto", Easy);

        Assert.Equal(["mini", "mini-pricier", "strong"], plan.Deployments.Select(d => d.Name));
        Assert.Contains("easy prompt", plan.Ranking[0].Reason);
    }

    [Fact]
    public void Rank_HardPrompt_StrongTierFirst()
    {
        var plan = Tiers().Plan("auto", Hard);

        Assert.Equal(["strong", "mini", "mini-pricier"], plan.Deployments.Select(d => d.Name));
        Assert.Contains("hard prompt", plan.Ranking[0].Reason);
    }

    [Fact]
    public void Rank_ThresholdRaisedOnTheRoute_TheSamePromptCountsAsEasy()
    {
        var planning = Tiers();
        var hardScore = planning.Plan("auto", Hard).Profile.Complexity.Score;
        planning.Catalog.Routes["auto"].ComplexityThreshold = hardScore + 0.01;

        var plan = planning.Plan("auto", Hard);

        Assert.Equal("mini", plan.Deployments[0].Name);
        Assert.Equal(hardScore + 0.01, plan.ComplexityThreshold);
    }

    [Fact]
    public void Rank_ThresholdFromRouterOptions_AppliesToRoutesWithoutTheirOwn()
    {
        var planning = Tiers();
        planning.Router.ComplexityThreshold = 0;

        Assert.Equal("strong", planning.Order("auto", Easy)[0]);
    }

    [Fact]
    public void Plan_RequestOverridingTheStrategy_UsesItInsteadOfTheRoutes()
    {
        var plan = Tiers().Plan("auto", Easy, strategy: "QUALITY");

        Assert.Equal("quality", plan.Strategy);
        Assert.Equal("strong", plan.Deployments[0].Name);
    }

    [Fact]
    public void Plan_RouteWithFallbacks_RanksTheCandidatesThenAppendsTheFallbacksInOrder()
    {
        var planning = Tiers();
        planning.Deployment("local-ish", tier: 0, inputPrice: 0, outputPrice: 0);
        planning.Catalog.Routes["auto"].Fallbacks = ["local-ish", "strong"];

        var plan = planning.Plan("auto", Easy);

        Assert.Equal(["mini", "mini-pricier", "strong", "local-ish"], plan.Deployments.Select(d => d.Name));
        Assert.Equal("fallback 1 of the route", plan.Ranking[^1].Reason);
    }

    [Fact]
    public void Plan_RouteWithTags_AddsTheTaggedDeploymentsAsCandidates()
    {
        var planning = Tiers();
        planning.Deployment("tuned", tier: 2).Tags = ["fine-tuned"];
        planning.Catalog.Routes["auto"].Tags = ["FINE-TUNED"];

        var plan = planning.Plan("auto", Hard);

        Assert.Equal(["strong", "tuned", "mini", "mini-pricier"], plan.Deployments.Select(d => d.Name));
    }
}

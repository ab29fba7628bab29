using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Routing;

namespace AiAspire.RouterService.Tests.Strategies;

public sealed class CostStrategyTests
{
    private static Planning ThreePrices()
    {
        var planning = new Planning();
        planning.Deployment("premium", inputPrice: 10, outputPrice: 30, contextWindow: 128_000, capabilities: ["json", "tools"]);
        planning.Deployment("budget", inputPrice: 0.1m, outputPrice: 0.4m, contextWindow: 4_096, maxOutputTokens: 512);
        planning.Deployment("middle", inputPrice: 1, outputPrice: 2, contextWindow: 32_000, capabilities: ["json"]);
        planning.Route("cheap", "cost", "premium", "budget", "middle");
        return planning;
    }

    [Fact]
    public void Rank_AShortPlainRequest_PutsTheCheapestFirstAndTheRestByPrice()
    {
        var plan = ThreePrices().Plan("cheap");

        Assert.Equal(["budget", "middle", "premium"], plan.Deployments.Select(d => d.Name));
        Assert.True(plan.Ranking[0].Score < plan.Ranking[1].Score);
        Assert.Contains("estimated $", plan.Ranking[0].Reason);
    }

    [Fact]
    public void Rank_PromptBeyondTheCheapestContextWindow_SkipsItAsTooLongAndPicksTheNextCheapest()
    {
        var longPrompt = new string('x', 4 * 5_000);

        var plan = ThreePrices().Plan("cheap", longPrompt);

        Assert.Equal(["middle", "premium"], plan.Deployments.Select(d => d.Name));
        var skipped = Assert.Single(plan.Skipped);
        Assert.Equal("budget", skipped.Deployment);
        Assert.Contains("exceed its context window of 4096", skipped.Error);
    }

    [Fact]
    public void Rank_MaxTokensThatDoNotFitBesideThePrompt_CountAgainstTheContextWindow()
    {
        var planning = ThreePrices();
        var prompt = new string('x', 4 * 3_800);

        var small = planning.Plan(Planning.Ask("cheap", prompt) with { MaxTokens = 100 });
        var large = planning.Plan(Planning.Ask("cheap", prompt) with { MaxTokens = 500 });

        Assert.Equal("budget", small.Deployments[0].Name);
        Assert.Equal("middle", large.Deployments[0].Name);
    }

    [Fact]
    public void Rank_JsonResponseFormat_OnlyDeploymentsDeclaringJson()
    {
        var format = JsonDocument.Parse("""{"type":"json_object"}""").RootElement;

        var plan = ThreePrices().Plan(Planning.Ask("cheap", "list three colours") with { ResponseFormat = format });

        Assert.Equal(["middle", "premium"], plan.Deployments.Select(d => d.Name));
        Assert.Equal(("budget", "lacks json"), (plan.Skipped[0].Deployment, plan.Skipped[0].Error));
    }

    [Fact]
    public void Rank_ToolsNeeded_OnlyTheDeploymentDeclaringTools()
    {
        var plan = ThreePrices().Plan(Planning.Ask("cheap", "what's the weather?") with { Capabilities = ["tools"] });

        Assert.Equal(["premium"], plan.Deployments.Select(d => d.Name));
    }

    [Fact]
    public void Plan_NoCandidateCanServeTheRequest_ThrowsAnUnservableCallerErrorNamingEachReason()
    {
        var error = Assert.Throws<RoutingException>(() =>
            ThreePrices().Plan(Planning.Ask("cheap", "describe this picture") with { Capabilities = ["vision"] }));

        Assert.Equal(RoutingFailure.Unservable, error.Failure);
        Assert.True(error.CallerError);
        Assert.Contains("premium: lacks vision", error.Message);
        Assert.Equal(3, error.Attempts.Count);
    }

    [Fact]
    public void Plan_DeploymentNamedDirectlyThatCannotServeTheRequest_ThrowsUnservable()
    {
        var error = Assert.Throws<RoutingException>(() =>
            ThreePrices().Plan(Planning.Ask("budget", "call a tool") with { Capabilities = ["tools"] }));

        Assert.Equal(RoutingFailure.Unservable, error.Failure);
        Assert.Contains("lacks tools", error.Message);
    }
}

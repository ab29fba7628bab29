using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.Strategies;
using Microsoft.Extensions.Configuration;

namespace AiAspire.RouterService.Tests.Routing;

public sealed class RoutePlannerTests
{
    private static readonly RouterMessage[] Hello = [new("user", "hello")];

    private static RoutePlanner Planner()
    {
        var options = new CatalogOptions { DefaultRoute = "auto" };
        options.Deployments["local"] = new DeploymentOptions { Provider = ProviderNames.Offline };
        options.Deployments["hosted"] = new DeploymentOptions { Provider = ProviderNames.OpenAI, ApiKey = "sk" };
        options.Deployments["keyless"] = new DeploymentOptions { Provider = ProviderNames.OpenAI };
        options.Routes["auto"] = new RouteOptions { Candidates = ["keyless", "hosted", "local"] };
        options.Routes["ghostly"] = new RouteOptions { Candidates = ["missing", "local"] };
        options.Routes["hopeless"] = new RouteOptions { Candidates = ["keyless", "missing"] };
        options.Routes["odd"] = new RouteOptions { Strategy = "random", Candidates = ["local"] };
        var catalog = new ModelCatalog(new TestOptionsMonitor<CatalogOptions>(options), new ConfigurationBuilder().Build());
        return new RoutePlanner(catalog, [new PriorityStrategy()], new PromptComplexityClassifier(),
            new TestOptionsMonitor<RouterOptions>(new RouterOptions()));
    }

    [Fact]
    public void Plan_DeploymentName_IsADirectPlanOfThatDeploymentAlone()
    {
        var plan = Planner().Plan(new CompletionRequest(Hello, Model: "hosted"));

        Assert.Equal(("hosted", "direct"), (plan.Route, plan.Strategy));
        Assert.Equal(["hosted"], plan.Deployments.Select(d => d.Name));
        Assert.Empty(plan.Skipped);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Plan_NoModel_UsesTheDefaultRoute(string? model)
    {
        var plan = Planner().Plan(new CompletionRequest(Hello, Model: model));

        Assert.Equal("auto", plan.Route);
    }

    [Fact]
    public void Plan_ModelNameWithSurroundingSpaceOrOtherCase_FindsTheDeploymentUnderItsCatalogName()
    {
        var plan = Planner().Plan(new CompletionRequest(Hello, Model: "  HOSTED "));

        var deployment = Assert.Single(plan.Deployments);
        Assert.Equal(("hosted", "hosted"), (deployment.Name, deployment.ModelId));
    }

    [Fact]
    public void Plan_Route_KeepsAvailableCandidatesInOrderAndSkipsTheRestWithReasons()
    {
        var plan = Planner().Plan(new CompletionRequest(Hello, Model: "auto"));

        Assert.Equal(["hosted", "local"], plan.Deployments.Select(d => d.Name));
        Assert.Equal([new RouteAttempt("keyless", "skipped", 0, "no API key (set Providers:<name>:ApiKey)")], plan.Skipped);
        Assert.Equal("priority", plan.Strategy);
    }

    [Fact]
    public void Plan_RouteNamingADeploymentNotInTheCatalog_SkipsIt()
    {
        var plan = Planner().Plan(new CompletionRequest(Hello, Model: "ghostly"));

        Assert.Equal([new RouteAttempt("missing", "skipped", 0, "not in the catalog")], plan.Skipped);
        Assert.Equal(["local"], plan.Deployments.Select(d => d.Name));
    }

    [Fact]
    public void Plan_RouteWithNothingAvailable_ThrowsAServerSideRoutingErrorListingTheSkips()
    {
        var error = Assert.Throws<RoutingException>(() => Planner().Plan(new CompletionRequest(Hello, Model: "hopeless")));

        Assert.False(error.CallerError);
        Assert.Equal(["keyless", "missing"], error.Attempts.Select(a => a.Deployment));
        Assert.All(error.Attempts, a => Assert.Equal("skipped", a.Outcome));
    }

    [Fact]
    public void Plan_UnknownName_ThrowsACallerError()
    {
        var error = Assert.Throws<RoutingException>(() => Planner().Plan(new CompletionRequest(Hello, Model: "gpt-17")));

        Assert.True(error.CallerError);
        Assert.Contains("gpt-17", error.Message);
    }

    [Fact]
    public void Plan_UnavailableDeploymentByName_ThrowsACallerErrorWithItsReason()
    {
        var error = Assert.Throws<RoutingException>(() => Planner().Plan(new CompletionRequest(Hello, Model: "keyless")));

        Assert.True(error.CallerError);
        Assert.Equal([new RouteAttempt("keyless", "skipped", 0, "no API key (set Providers:<name>:ApiKey)")], error.Attempts);
    }

    [Theory]
    [InlineData("odd", null)]
    [InlineData("auto", "cheapest")]
    public void Plan_UnknownStrategyFromRouteOrRequest_ThrowsACallerErrorNamingTheKnownOnes(string model, string? strategy)
    {
        var error = Assert.Throws<RoutingException>(() => Planner().Plan(new CompletionRequest(Hello, Model: model, Strategy: strategy)));

        Assert.True(error.CallerError);
        Assert.Contains("Known: priority", error.Message);
    }
}

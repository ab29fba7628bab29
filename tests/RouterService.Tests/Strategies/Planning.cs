using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Quality;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.Strategies;
using Microsoft.Extensions.Configuration;

namespace AiAspire.RouterService.Tests.Strategies;

/// <summary>A catalog built in code and a planner over it with every strategy, for deciding without calling anything.</summary>
internal sealed class Planning
{
    public CatalogOptions Catalog { get; } = new();

    public RouterOptions Router { get; } = new();

    public DeploymentObservations Observations { get; }

    /// <summary>Measured quality the quality strategy sees; empty until a test loads a snapshot.</summary>
    public QualityScoreBoard Scores { get; } = new();

    private readonly RoutePlanner _planner;

    public Planning(int seed = 7)
    {
        var router = new TestOptionsMonitor<RouterOptions>(Router);
        Observations = new DeploymentObservations(router);
        _planner = new RoutePlanner(
            new ModelCatalog(new TestOptionsMonitor<CatalogOptions>(Catalog), new ConfigurationBuilder().Build()),
            [
                new PriorityStrategy(), new CostStrategy(), new LatencyStrategy(Observations), new QualityStrategy(Scores, router),
                new WeightedStrategy(new Random(seed)), new LeastBusyStrategy(Observations), new ComplexityStrategy(),
            ],
            new PromptComplexityClassifier(),
            router);
    }

    /// <summary>A callable hosted deployment.</summary>
    public DeploymentOptions Deployment(string name, int tier = 1, decimal inputPrice = 1, decimal outputPrice = 1,
        int contextWindow = 8_192, int maxOutputTokens = 1_024, params string[] capabilities)
    {
        var deployment = new DeploymentOptions
        {
            Provider = ProviderNames.OpenAI,
            ApiKey = "sk-test",
            Tier = tier,
            InputPricePer1M = inputPrice,
            OutputPricePer1M = outputPrice,
            ContextWindow = contextWindow,
            MaxOutputTokens = maxOutputTokens,
            Capabilities = [.. capabilities],
        };
        Catalog.Deployments[name] = deployment;
        return deployment;
    }

    public RouteOptions Route(string name, string strategy, params string[] candidates)
    {
        var route = new RouteOptions { Strategy = strategy, Candidates = [.. candidates] };
        Catalog.Routes[name] = route;
        return route;
    }

    public RoutePlan Plan(CompletionRequest request, string? tenant = null) => _planner.Plan(request, tenant);

    public RoutePlan Plan(string model, string prompt = "hello", string? strategy = null, string? user = null) =>
        _planner.Plan(Ask(model, prompt, strategy, user));

    public IReadOnlyList<string> Order(string model, string prompt = "hello", string? strategy = null, string? user = null) =>
        [.. Plan(model, prompt, strategy, user).Deployments.Select(d => d.Name)];

    public static CompletionRequest Ask(string model, string prompt, string? strategy = null, string? user = null) =>
        new([new RouterMessage("user", prompt)], Model: model, Strategy: strategy, User: user);
}

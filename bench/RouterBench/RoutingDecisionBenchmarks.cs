using AiAspire.Contracts.Quality;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Quality;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.Strategies;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;

namespace AiAspire.RouterBench;

/// <summary>One routing decision over a 50-deployment route, per strategy, for a short and a long, hard prompt.</summary>
[MemoryDiagnoser]
public class RoutingDecisionBenchmarks
{
    public const int Deployments = 50;

    private RoutePlanner _planner = null!;
    private CompletionRequest _request = null!;

    [Params("priority", "cost", "latency", "quality", "weighted", "least-busy", "complexity")]
    public string Strategy { get; set; } = "";

    [Params("short", "hard")]
    public string Prompt { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var catalog = new CatalogOptions();
        var route = new RouteOptions();
        for (var i = 0; i < Deployments; i++)
        {
            var name = $"deployment-{i:00}";
            catalog.Deployments[name] = new DeploymentOptions
            {
                Provider = ProviderNames.OpenAI,
                ApiKey = "sk-bench",
                Tier = i % 4,
                InputPricePer1M = 0.1m + i,
                OutputPricePer1M = 0.4m + i * 2,
                ContextWindow = 8_192 << (i % 5),
                Capabilities = i % 3 == 0 ? ["json", "tools"] : ["json"],
                Tags = [i % 2 == 0 ? "even" : "odd"],
            };
            route.Candidates.Add(name);
            route.Weights[name] = i + 1;
        }
        catalog.Routes["all"] = route;

        var routerOptions = new FixedOptions<RouterOptions>(new RouterOptions());
        var observations = new DeploymentObservations(routerOptions);
        for (var i = 0; i < Deployments; i++)
        {
            observations.Record($"deployment-{i:00}", 100 + i, 500 + 7 * i);
        }
        // Every deployment rated often enough, so the quality strategy ranks by measured quality.
        var scores = new QualityScoreBoard();
        scores.Load(new RouterQualitySnapshot(DateTimeOffset.UtcNow,
            [.. Enumerable.Range(0, Deployments).Select(i => new ModelQualityScore($"deployment-{i:00}", 50 + i, 50 - i % 40,
                RouterQualityScores.WilsonLowerBound(50 + i, 50 - i % 40)))],
            new Dictionary<string, IReadOnlyList<ModelQualityScore>>()));
        _planner = new RoutePlanner(
            new ModelCatalog(new FixedOptions<CatalogOptions>(catalog), new ConfigurationBuilder().Build()),
            [
                new PriorityStrategy(), new CostStrategy(), new LatencyStrategy(observations), new QualityStrategy(scores, routerOptions),
                new WeightedStrategy(), new LeastBusyStrategy(observations), new ComplexityStrategy(),
            ],
            new PromptComplexityClassifier(),
            routerOptions);

        var text = Prompt == "short"
            ? "What is the capital of France?"
            : string.Concat(Enumerable.Repeat(
                "Explain why this recursive function overflows the stack, compare it with an iterative version, and derive its " +
                "complexity step by step: ```def depth(n): return 1 + max(depth(c) for c in n.children)``` ", 8));
        _request = new CompletionRequest(
            [new RouterMessage("system", "You are a helpful assistant."), new RouterMessage("user", text)],
            Model: "all", Strategy: Strategy, User: "user-42");
    }

    [Benchmark]
    public RoutePlan Plan() => _planner.Plan(_request, "tenant-a");
}

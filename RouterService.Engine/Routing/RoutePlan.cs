using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Strategies;

namespace AiAspire.RouterService.Routing;

/// <summary>What the router will try for a request, in order, and what it skipped and why.</summary>
/// <param name="Ranking">The strategy's order with scores; for a direct plan, the one deployment.</param>
public sealed record RoutePlan(
    string Route,
    string Strategy,
    IReadOnlyList<RankedDeployment> Ranking,
    IReadOnlyList<RouteAttempt> Skipped,
    RequestProfile Profile,
    double ComplexityThreshold)
{
    public IReadOnlyList<Deployment> Deployments { get; } = [.. Ranking.Select(r => r.Deployment)];
}

using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Strategies;

namespace AiAspire.RouterService.Routing;

/// <summary>Turns the name a caller asked for into an ordered plan: a deployment directly, or a route via its strategy.</summary>
public sealed class RoutePlanner(ModelCatalog catalog, IEnumerable<IRoutingStrategy> strategies)
{
    private readonly Dictionary<string, IRoutingStrategy> _strategies =
        strategies.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <exception cref="RoutingException">The name or strategy is unknown, or nothing is available to serve it.</exception>
    public RoutePlan Plan(CompletionRequest request)
    {
        var name = string.IsNullOrWhiteSpace(request.Model) ? catalog.Current.DefaultRoute : request.Model.Trim();

        if (catalog.FindDeployment(name) is { } deployment)
        {
            if (!deployment.IsAvailable)
            {
                throw new RoutingException($"Model '{name}' is unavailable: {deployment.UnavailableReason}.", callerError: true,
                    [new RouteAttempt(name, "skipped", 0, deployment.UnavailableReason)]);
            }
            return new RoutePlan(name, "direct", [deployment], []);
        }

        var route = catalog.FindRoute(name)
            ?? throw new RoutingException($"Unknown model '{name}'. GET /v1/models lists the models and aliases you can use.", callerError: true, []);

        var strategyName = string.IsNullOrWhiteSpace(request.Strategy) ? route.Strategy : request.Strategy;
        if (!_strategies.TryGetValue(strategyName, out var strategy))
        {
            throw new RoutingException($"Unknown routing strategy '{strategyName}'. Known: {string.Join(", ", _strategies.Keys)}.", callerError: true, []);
        }

        var available = new List<Deployment>();
        var skipped = new List<RouteAttempt>();
        foreach (var candidate in route.Candidates)
        {
            var resolved = catalog.FindDeployment(candidate);
            if (resolved is { IsAvailable: true })
            {
                available.Add(resolved);
            }
            else
            {
                skipped.Add(new RouteAttempt(candidate, "skipped", 0, resolved?.UnavailableReason ?? "not in the catalog"));
            }
        }

        if (available.Count == 0)
        {
            throw new RoutingException($"No deployment of route '{name}' is available.", callerError: false, skipped);
        }
        return new RoutePlan(name, strategy.Name, strategy.Order(available, request), skipped);
    }
}

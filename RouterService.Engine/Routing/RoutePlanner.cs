using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Strategies;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Routing;

/// <summary>
/// Turns the name a caller asked for into an ordered plan: a deployment directly, or a route's candidates that are
/// callable and able to serve the request (context window, capabilities), ordered by the route's or the request's strategy.
/// </summary>
public sealed class RoutePlanner(
    ModelCatalog catalog,
    IEnumerable<IRoutingStrategy> strategies,
    PromptComplexityClassifier classifier,
    IOptionsMonitor<RouterOptions> options)
{
    private readonly Dictionary<string, IRoutingStrategy> _strategies =
        strategies.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> StrategyNames => _strategies.Keys;

    /// <param name="tenant">The caller's tenant, for strategies with per-tenant figures (quality).</param>
    /// <exception cref="RoutingException">The name or strategy is unknown, nothing can serve the request, or nothing is available.</exception>
    public RoutePlan Plan(CompletionRequest request, string? tenant = null)
    {
        var name = string.IsNullOrWhiteSpace(request.Model) ? catalog.Current.DefaultRoute : request.Model.Trim();
        var profile = RequestProfile.Of(request, classifier);
        IRoutingStrategy? requested = null;
        if (!string.IsNullOrWhiteSpace(request.Strategy) && !_strategies.TryGetValue(request.Strategy.Trim(), out requested))
        {
            throw UnknownStrategy(request.Strategy);
        }

        if (catalog.FindDeployment(name) is { } deployment)
        {
            if (!deployment.IsAvailable)
            {
                throw new RoutingException($"Model '{name}' is unavailable: {deployment.UnavailableReason}.", RoutingFailure.UnknownModel,
                    [new RouteAttempt(name, "skipped", 0, deployment.UnavailableReason)]);
            }
            if (profile.Unfit(deployment) is { } unfit)
            {
                throw new RoutingException($"Model '{deployment.Name}' cannot serve this request: it {unfit}.", RoutingFailure.Unservable,
                    [new RouteAttempt(deployment.Name, "skipped", 0, unfit)]);
            }
            return new RoutePlan(name, "direct", [new RankedDeployment(deployment, 1, "named directly")], [], profile,
                options.CurrentValue.ComplexityThreshold);
        }

        var route = catalog.FindRoute(name)
            ?? throw new RoutingException($"Unknown model '{name}'. GET /v1/models lists the models and aliases you can use.", RoutingFailure.UnknownModel, []);

        var strategy = requested
            ?? (_strategies.TryGetValue(route.Strategy, out var configured) ? configured : throw UnknownStrategy(route.Strategy));

        var skipped = new List<RouteAttempt>();
        var unservable = 0;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        List<Deployment> Servable(IEnumerable<string> names)
        {
            var servable = new List<Deployment>();
            foreach (var candidate in names.Where(seen.Add))
            {
                var resolved = catalog.FindDeployment(candidate);
                if (resolved is not { IsAvailable: true })
                {
                    skipped.Add(new RouteAttempt(candidate, "skipped", 0, resolved?.UnavailableReason ?? "not in the catalog"));
                }
                else if (profile.Unfit(resolved) is { } unfit)
                {
                    skipped.Add(new RouteAttempt(resolved.Name, "skipped", 0, unfit));
                    unservable++;
                }
                else
                {
                    servable.Add(resolved);
                }
            }
            return servable;
        }

        var candidates = Servable(catalog.CandidatesOf(route));
        var fallbacks = Servable(route.Fallbacks);
        if (candidates.Count + fallbacks.Count == 0)
        {
            throw unservable > 0
                ? new RoutingException(
                    $"No deployment of route '{name}' can serve this request: {string.Join("; ", skipped.Select(s => $"{s.Deployment}: {s.Error}"))}.",
                    RoutingFailure.Unservable, skipped)
                : new RoutingException($"No deployment of route '{name}' is available.", RoutingFailure.Upstream, skipped);
        }

        var threshold = route.ComplexityThreshold ?? options.CurrentValue.ComplexityThreshold;
        var ranking = candidates.Count == 0 ? [] : strategy.Rank(new RoutingContext(name, route, candidates, request, profile, threshold, tenant));
        return new RoutePlan(name, strategy.Name,
            [.. ranking, .. fallbacks.Select((d, i) => new RankedDeployment(d, i + 1, $"fallback {i + 1} of the route"))],
            skipped, profile, threshold);
    }

    private RoutingException UnknownStrategy(string name) =>
        new($"Unknown routing strategy '{name}'. Known: {string.Join(", ", _strategies.Keys)}.", RoutingFailure.UnknownStrategy, []);
}

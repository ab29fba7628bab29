using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;

namespace AiAspire.RouterService.Routing;

/// <summary>What the router will try for a request, in order, and what it skipped and why.</summary>
public sealed record RoutePlan(string Route, string Strategy, IReadOnlyList<Deployment> Deployments, IReadOnlyList<RouteAttempt> Skipped);

using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Routing;

namespace AiAspire.RouterService.Strategies;

/// <summary>What a strategy ranks: a route's callable candidates able to serve the request, in configured order.</summary>
/// <param name="Tenant">The caller's tenant, for per-tenant figures; null when planning without one.</param>
public sealed record RoutingContext(
    string RouteName,
    Catalog.RouteOptions Route,
    IReadOnlyList<Deployment> Candidates,
    CompletionRequest Request,
    RequestProfile Profile,
    double ComplexityThreshold,
    string? Tenant = null);

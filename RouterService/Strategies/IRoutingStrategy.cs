using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;

namespace AiAspire.RouterService.Strategies;

/// <summary>Orders a route's available candidates for one request: the first is tried first, the rest are fallbacks.</summary>
public interface IRoutingStrategy
{
    string Name { get; }

    IReadOnlyList<Deployment> Order(IReadOnlyList<Deployment> candidates, CompletionRequest request);
}

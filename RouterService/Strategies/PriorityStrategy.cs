using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;

namespace AiAspire.RouterService.Strategies;

/// <summary>The configured order, as is: an ordered fallback chain.</summary>
public sealed class PriorityStrategy : IRoutingStrategy
{
    public string Name => "priority";

    public IReadOnlyList<Deployment> Order(IReadOnlyList<Deployment> candidates, CompletionRequest request) => candidates;
}

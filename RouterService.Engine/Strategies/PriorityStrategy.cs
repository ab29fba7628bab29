namespace AiAspire.RouterService.Strategies;

/// <summary>The configured order, as is: an ordered fallback chain.</summary>
public sealed class PriorityStrategy : IRoutingStrategy
{
    public string Name => "priority";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context) =>
        [.. context.Candidates.Select((d, i) => new RankedDeployment(d, i + 1, $"position {i + 1} in the route"))];
}

namespace AiAspire.RouterService.Strategies;

/// <summary>Strongest first: the highest catalog tier, configured order among equals.</summary>
public sealed class QualityStrategy : IRoutingStrategy
{
    public string Name => "quality";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context) =>
    [
        .. context.Candidates
            .Select(d => new RankedDeployment(d, d.Options.Tier, $"tier {d.Options.Tier}"))
            .OrderByDescending(r => r.Score),
    ];
}

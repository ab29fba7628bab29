using AiAspire.RouterService.Routing;

namespace AiAspire.RouterService.Strategies;

/// <summary>Fewest calls in flight from this router first, configured order among equals.</summary>
public sealed class LeastBusyStrategy(DeploymentObservations observations) : IRoutingStrategy
{
    public string Name => "least-busy";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context) =>
    [
        .. context.Candidates
            .Select(d => (Deployment: d, InFlight: observations.InFlight(d.Name)))
            .Select(x => new RankedDeployment(x.Deployment, x.InFlight, $"{x.InFlight} calls in flight"))
            .OrderBy(r => r.Score),
    ];
}

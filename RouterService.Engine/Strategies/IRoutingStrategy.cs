namespace AiAspire.RouterService.Strategies;

/// <summary>Orders a route's candidates for one request: the first is tried first, the rest are fallbacks.</summary>
public interface IRoutingStrategy
{
    string Name { get; }

    /// <summary>Every candidate of <paramref name="context"/>, best first; never empty when the candidates are not.</summary>
    IReadOnlyList<RankedDeployment> Rank(RoutingContext context);
}

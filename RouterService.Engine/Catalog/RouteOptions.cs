namespace AiAspire.RouterService.Catalog;

/// <summary>An alias (auto, fast, smart, …) callers use instead of a deployment name.</summary>
public sealed class RouteOptions
{
    public string Strategy { get; set; } = "priority";

    /// <summary>Deployments in order of preference; later ones are the fallback chain.</summary>
    public List<string> Candidates { get; set; } = [];

    /// <summary>Deployments tried, in this order, after the strategy's ranking of <see cref="Candidates"/> has been exhausted.</summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>Deployments carrying any of these tags join the candidates, after <see cref="Candidates"/>, in catalog order.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>For the weighted strategy: each candidate's share (any scale, e.g. percentages); an unlisted candidate gets 0 and is only a fallback. Empty: equal shares.</summary>
    public Dictionary<string, double> Weights { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For the complexity strategy: prompts scoring at or above it go to the strongest tier first; null uses <c>Router:ComplexityThreshold</c>.</summary>
    public double? ComplexityThreshold { get; set; }
}

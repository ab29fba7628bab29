namespace AiAspire.RouterService.Catalog;

/// <summary>An alias (auto, fast, smart, …) callers use instead of a deployment name.</summary>
public sealed class RouteOptions
{
    public string Strategy { get; set; } = "priority";

    /// <summary>Deployments in order of preference; later ones are the fallback chain.</summary>
    public List<string> Candidates { get; set; } = [];
}

namespace AiAspire.RouterService.Catalog;

/// <summary>The model catalog (<c>Catalog</c> section), re-read on every request so edits apply without a restart.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    public Dictionary<string, DeploymentOptions> Deployments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, RouteOptions> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The route used when a request names no model.</summary>
    public string DefaultRoute { get; set; } = "auto";
}

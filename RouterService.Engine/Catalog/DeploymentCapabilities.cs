namespace AiAspire.RouterService.Catalog;

/// <summary>The capabilities a deployment declares in the catalog and a request may need.</summary>
public static class DeploymentCapabilities
{
    public const string Tools = "tools";
    public const string Json = "json";
    public const string Vision = "vision";
    public const string Reasoning = "reasoning";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Tools, Json, Vision, Reasoning };
}

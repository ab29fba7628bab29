namespace AiAspire.RouterService.Catalog;

/// <summary>One model deployment the router may call.</summary>
public sealed class DeploymentOptions
{
    /// <summary>"offline", "openai", "openai-compatible", "azure-openai" or "anthropic".</summary>
    public string Provider { get; set; } = "";

    /// <summary>Base URL of the provider's API; required for openai-compatible and azure-openai.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The provider's model id (or Azure deployment name); defaults to the deployment name.</summary>
    public string? ModelId { get; set; }

    /// <summary>Name of a provider credential under <c>Providers:&lt;name&gt;:ApiKey</c>, e.g. "OpenAI".</summary>
    public string? Credential { get; set; }

    /// <summary>An inline key, for OpenAI-compatible servers that need one; prefer <see cref="Credential"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// How the router authenticates: <see cref="DeploymentAuth.ApiKey"/> (the default) or, for azure-openai only,
    /// <see cref="DeploymentAuth.EntraId"/> — a Microsoft Entra ID token from Azure.Identity, no key needed.
    /// </summary>
    public string Auth { get; set; } = DeploymentAuth.ApiKey;

    /// <summary>With <see cref="DeploymentAuth.EntraId"/>: the client id of a user-assigned managed identity; unset, DefaultAzureCredential decides.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public int ContextWindow { get; set; } = 8_192;
    public int MaxOutputTokens { get; set; } = 1_024;
    public decimal InputPricePer1M { get; set; }
    public decimal OutputPricePer1M { get; set; }
    public int Tier { get; set; } = 1;
    public bool Enabled { get; set; } = true;

    /// <summary>What it can do beyond plain text: "tools", "json", "vision", "reasoning" (<see cref="DeploymentCapabilities"/>).</summary>
    public List<string> Capabilities { get; set; } = [];

    /// <summary>Free labels ("fine-tuned", "eu", …); a route's <see cref="RouteOptions.Tags"/> picks deployments by them.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>Requests per UTC minute the router sends this deployment at most (across replicas when Redis is shared); further calls fall back.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt and answer) per UTC minute after which the router stops calling this deployment until the next minute.</summary>
    public int? TokensPerMinute { get; set; }
}

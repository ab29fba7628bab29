namespace AiAspire.Gateway.Authentication;

public sealed class ApiKeyOptions
{
    public const string Section = "Gateway";

    /// <summary>The bootstrap key (tenant <c>dev</c>, every scope), from the AppHost parameter <c>dev-api-key</c>.</summary>
    public string? DevApiKey { get; set; }

    /// <summary>Further keys from configuration, by key id.</summary>
    public Dictionary<string, ConfiguredKey> Keys { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ConfiguredKey
{
    public string Key { get; set; } = "";
    public string Tenant { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
}

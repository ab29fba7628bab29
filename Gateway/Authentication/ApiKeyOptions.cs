using System.ComponentModel.DataAnnotations;

namespace AiAspire.Gateway.Authentication;

public sealed class ApiKeyOptions
{
    public const string Section = "Gateway";

    /// <summary>The bootstrap key (tenant <c>dev</c>, every scope), from the AppHost parameter <c>dev-api-key</c>.</summary>
    public string? DevApiKey { get; set; }

    /// <summary>Further keys from configuration, by key id.</summary>
    public Dictionary<string, ConfiguredKey> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How long a key looked up in Redis is trusted without asking again. Revocations reach every replica at once by
    /// pub/sub; this bounds the damage of a lost message.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan KeyCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a cached key keeps working while Redis cannot be reached.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan KeyCacheStaleTtl { get; set; } = TimeSpan.FromMinutes(10);
}

public sealed class ConfiguredKey
{
    public string Key { get; set; } = "";
    public string Tenant { get; set; } = "";
    public List<string> Scopes { get; set; } = [];
    public List<string> Models { get; set; } = [];
}

using System.Globalization;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// The Redis keys of a tenant's limits. Every key carries the tenant's hash tag, so that all the keys one script
/// touches (the API key's and its tenant's) sit in one Redis Cluster slot: a key belongs to exactly one tenant.
/// </summary>
public static class LimitKeys
{
    /// <summary>The hash tag: never empty (an empty tag would hash the whole key), ended at the first '}' by Redis.</summary>
    public static string Tag(string tenant) => $"{{t:{tenant}}}";

    public static string KeyWindow(string tenant, string keyId, LimitKind kind) => $"aiaspire:rl:{Tag(tenant)}:k:{keyId}:{Name(kind)}";

    public static string TenantWindow(string tenant, LimitKind kind) => $"aiaspire:rl:{Tag(tenant)}:t:{Name(kind)}";

    public static string KeyBudget(string tenant, string keyId, DateTimeOffset month) => $"aiaspire:budget:{Tag(tenant)}:k:{keyId}:{Month(month)}";

    public static string TenantBudget(string tenant, DateTimeOffset month) => $"aiaspire:budget:{Tag(tenant)}:t:{Month(month)}";

    // Request and token windows carry their layout's version: the hash of buckets gained its running sum in session 4,
    // and a replica of either version must never read the other's hash.
    private static string Name(LimitKind kind) => kind switch
    {
        LimitKind.Requests => "requests:v2",
        LimitKind.Tokens => "tokens:v2",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string Month(DateTimeOffset now) => now.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

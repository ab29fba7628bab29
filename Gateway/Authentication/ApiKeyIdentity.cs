namespace AiAspire.Gateway.Authentication;

/// <summary>Who an API key speaks for, and what it may do.</summary>
/// <param name="Models">The models the key may name; empty means every model.</param>
/// <param name="ExpiresAt">When the key stops working; null means never.</param>
/// <param name="Limits">The key's own limits, replacing the configured per-key ones.</param>
/// <param name="Bootstrap">A key from the gateway's configuration (the operator's), not from the key store: may manage every tenant's keys.</param>
public sealed record ApiKeyIdentity(
    string KeyId,
    string Tenant,
    IReadOnlySet<string> Scopes,
    IReadOnlySet<string> Models,
    DateTimeOffset? ExpiresAt = null,
    bool Bootstrap = false,
    LimitOverrides? Limits = null)
{
    public static readonly IReadOnlySet<string> AnyModel = new HashSet<string>();

    public bool MayUse(string model) => Models.Count == 0 || Models.Contains(model);
}

namespace AiAspire.Gateway.Authentication;

/// <summary>An API key as Redis holds it: the SHA-256 digest of the secret, never the secret.</summary>
/// <param name="Digest">Lower-case hex SHA-256 of the key's UTF-8 bytes.</param>
/// <param name="Hint">The key's prefix and last four characters, so people can tell their keys apart.</param>
public sealed record StoredApiKey(
    string Id,
    string Digest,
    string Hint,
    string Tenant,
    string? Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Models,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    LimitOverrides? Limits = null)
{
    public ApiKeyIdentity ToIdentity() => new(
        Id,
        Tenant,
        Scopes.ToHashSet(StringComparer.Ordinal),
        Models.Count == 0 ? ApiKeyIdentity.AnyModel : Models.ToHashSet(StringComparer.Ordinal),
        ExpiresAt,
        Limits: Limits);
}

using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Admin;

/// <summary>A stored key as the admin API lists it: no secret, no digest.</summary>
public sealed record ApiKeyInfo(
    string Id,
    string Hint,
    string Tenant,
    string? Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Models,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    LimitOverrides? Limits)
{
    public static ApiKeyInfo From(StoredApiKey key) =>
        new(key.Id, key.Hint, key.Tenant, key.Name, key.Scopes, key.Models, key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.Limits);
}

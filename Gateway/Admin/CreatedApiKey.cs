using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Admin;

/// <summary>The answer to POST /api/keys: the only response that ever carries the secret.</summary>
public sealed record CreatedApiKey(
    string Id,
    string Key,
    string Tenant,
    string? Name,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> Models,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    LimitOverrides? Limits);

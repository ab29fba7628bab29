using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Admin;

/// <summary>POST /api/keys. Tenant defaults to the caller's; only a bootstrap key may name another.</summary>
public sealed record CreateApiKeyRequest(
    string? Tenant,
    string? Name,
    List<string>? Scopes,
    List<string>? Models,
    DateTimeOffset? ExpiresAt,
    LimitOverrides? Limits);

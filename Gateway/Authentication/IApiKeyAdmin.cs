namespace AiAspire.Gateway.Authentication;

/// <summary>Creating, listing, limiting and revoking stored API keys.</summary>
public interface IApiKeyAdmin
{
    /// <summary>Stores a new key and returns its secret: the only time the secret exists outside the caller.</summary>
    Task<(StoredApiKey Key, string Secret)> CreateAsync(
        string tenant, string? name, IReadOnlyList<string> scopes, IReadOnlyList<string> models, DateTimeOffset? expiresAt, LimitOverrides? limits,
        CancellationToken cancellationToken);

    /// <summary>Every stored key, revoked ones included; of one tenant when <paramref name="tenant"/> is given.</summary>
    Task<IReadOnlyList<StoredApiKey>> ListAsync(string? tenant, CancellationToken cancellationToken);

    Task<StoredApiKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces a live key's own limits on every replica; null when there is no such live key.</summary>
    Task<StoredApiKey?> SetLimitsAsync(string id, LimitOverrides? limits, CancellationToken cancellationToken);

    /// <summary>Revokes the key on every replica; false when there is no such key.</summary>
    Task<bool> RevokeAsync(string id, CancellationToken cancellationToken);
}

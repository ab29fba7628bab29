using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiAspire.Gateway.Caching;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Gateway.Authentication;

/// <summary>
/// API keys in Redis, found by the SHA-256 digest of the presented key. Lookups are cached locally; a revocation is
/// published so every replica drops its copy at once, and while Redis is unreachable cached keys keep working for
/// <see cref="ApiKeyOptions.KeyCacheStaleTtl"/>. A change of a key's limits is published the same way.
/// </summary>
public sealed partial class RedisApiKeyStore : IApiKeyStore, IApiKeyAdmin
{
    // One hash tag for every key record: creating, revoking and updating a key is a transaction over both, which Redis
    // Cluster only allows within one slot.
    public const string ByDigestPrefix = "{aiaspire:apikeys}:digest:";
    public const string ById = "{aiaspire:apikeys}:ids";
    public static readonly RedisChannel InvalidationChannel = RedisChannel.Literal("aiaspire:apikeys:invalidate");

    private const string SecretPrefix = "sk-aia-";
    private const int MaxCachedKeys = 100_000;
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly IOptionsMonitor<ApiKeyOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisApiKeyStore> _logger;
    // Identities, not records: a cache hit hands out the same identity (its scope and model sets built once).
    private readonly ReplicatedCache<ApiKeyIdentity> _cache;

    public RedisApiKeyStore(IConnectionMultiplexer redis, IOptionsMonitor<ApiKeyOptions> options, TimeProvider time, ILogger<RedisApiKeyStore> logger)
    {
        _redis = redis;
        _options = options;
        _time = time;
        _logger = logger;
        _cache = new ReplicatedCache<ApiKeyIdentity>(redis, InvalidationChannel, MaxCachedKeys, RedisTimeout, logger);
    }

    public async ValueTask<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var digest = Digest(presentedKey);
        var now = _time.GetTimestamp();
        // Without the subscription this replica would not hear revocations: the cache is trusted only while subscribed.
        var cached = _cache.TryGet(digest, out var cachedIdentity, out var fetchedAt);
        if (cached && _time.GetElapsedTime(fetchedAt, now) < _options.CurrentValue.KeyCacheTtl && _cache.IsSubscribed)
        {
            return cachedIdentity;
        }

        var generation = _cache.Generation;
        StoredApiKey? key;
        try
        {
            var value = await _redis.GetDatabase().StringGetAsync(ByDigestPrefix + digest).WaitAsync(RedisTimeout, cancellationToken);
            key = value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)value!, GatewayJsonContext.Default.StoredApiKey);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (cached && _time.GetElapsedTime(fetchedAt, now) < _options.CurrentValue.KeyCacheStaleTtl)
            {
                LogServedFromCache(_logger, cachedIdentity.KeyId, ex.Message);
                return cachedIdentity;
            }
            throw new ApiKeyStoreUnavailableException("The API key store cannot be reached.", ex);
        }

        if (key is null || key.RevokedAt is not null)
        {
            _cache.Remove(digest);
            return null;
        }
        var identity = key.ToIdentity();
        _cache.Store(digest, identity, now, generation);
        return identity;
    }

    public async Task<(StoredApiKey Key, string Secret)> CreateAsync(
        string tenant, string? name, IReadOnlyList<string> scopes, IReadOnlyList<string> models, DateTimeOffset? expiresAt, LimitOverrides? limits,
        CancellationToken cancellationToken)
    {
        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new StoredApiKey(
            "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Digest(secret),
            $"{SecretPrefix}…{secret[^4..]}",
            tenant,
            name,
            scopes,
            models,
            _time.GetUtcNow(),
            expiresAt,
            null,
            limits);
        var json = JsonSerializer.Serialize(key, GatewayJsonContext.Default.StoredApiKey);

        var transaction = _redis.GetDatabase().CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists(ByDigestPrefix + key.Digest));
        _ = transaction.StringSetAsync(ByDigestPrefix + key.Digest, json);
        _ = transaction.HashSetAsync(ById, key.Id, json);
        if (!await transaction.ExecuteAsync().WaitAsync(RedisTimeout, cancellationToken))
        {
            throw new InvalidOperationException("A freshly generated API key collided with a stored one.");
        }
        return (key, secret);
    }

    public async Task<IReadOnlyList<StoredApiKey>> ListAsync(string? tenant, CancellationToken cancellationToken)
    {
        var entries = await _redis.GetDatabase().HashValuesAsync(ById).WaitAsync(RedisTimeout, cancellationToken);
        return entries
            .Select(e => JsonSerializer.Deserialize((string)e!, GatewayJsonContext.Default.StoredApiKey)!)
            .Where(k => tenant is null || k.Tenant == tenant)
            .OrderBy(k => k.CreatedAt)
            .ThenBy(k => k.Id, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<StoredApiKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var value = await _redis.GetDatabase().HashGetAsync(ById, id).WaitAsync(RedisTimeout, cancellationToken);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)value!, GatewayJsonContext.Default.StoredApiKey);
    }

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var key = await GetAsync(id, cancellationToken);
        if (key is null)
        {
            return false;
        }
        if (key.RevokedAt is null)
        {
            var revoked = key with { RevokedAt = _time.GetUtcNow() };
            var transaction = _redis.GetDatabase().CreateTransaction();
            _ = transaction.KeyDeleteAsync(ByDigestPrefix + key.Digest);
            _ = transaction.HashSetAsync(ById, key.Id, JsonSerializer.Serialize(revoked, GatewayJsonContext.Default.StoredApiKey));
            await transaction.ExecuteAsync().WaitAsync(RedisTimeout, cancellationToken);
        }
        await _cache.PublishChangeAsync(key.Digest, cancellationToken);
        return true;
    }

    public async Task<StoredApiKey?> SetLimitsAsync(string id, LimitOverrides? limits, CancellationToken cancellationToken)
    {
        var key = await GetAsync(id, cancellationToken);
        if (key is null || key.RevokedAt is not null)
        {
            return null;
        }
        var updated = key with { Limits = limits };
        var json = JsonSerializer.Serialize(updated, GatewayJsonContext.Default.StoredApiKey);
        var transaction = _redis.GetDatabase().CreateTransaction();
        // Only while the key is still live: a revocation in between must not be undone.
        transaction.AddCondition(Condition.KeyExists(ByDigestPrefix + key.Digest));
        _ = transaction.StringSetAsync(ByDigestPrefix + key.Digest, json);
        _ = transaction.HashSetAsync(ById, key.Id, json);
        if (!await transaction.ExecuteAsync().WaitAsync(RedisTimeout, cancellationToken))
        {
            return null;
        }
        await _cache.PublishChangeAsync(key.Digest, cancellationToken);
        return updated;
    }

    internal static string Digest(string key)
    {
        // Presented keys are at most 512 characters (ApiKeyAuthenticator); admin-created ones far shorter.
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        Span<byte> utf8 = length <= 2048 ? stackalloc byte[length] : new byte[length];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable ({Reason}); API key {KeyId} served from the local cache.")]
    private static partial void LogServedFromCache(ILogger logger, string keyId, string reason);
}

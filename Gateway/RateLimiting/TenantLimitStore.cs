using System.Text.Json;
using AiAspire.Gateway.Authentication;
using AiAspire.Gateway.Caching;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Each tenant's limit overrides, set through the admin API and kept in Redis. Replicas cache them briefly; a change
/// is published so every replica drops its copy at once, and the cache's expiry covers a lost message. While Redis is
/// unreachable the last known overrides stay in force (or the configured defaults, when none was ever read).
/// </summary>
public sealed partial class TenantLimitStore
{
    public static readonly RedisChannel InvalidationChannel = RedisChannel.Literal("aiaspire:limits:invalidate");

    private const int MaxCachedTenants = 100_000;
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly IOptionsMonitor<RateLimitOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantLimitStore> _logger;
    private readonly ReplicatedCache<LimitOverrides?> _cache;

    public TenantLimitStore(IConnectionMultiplexer redis, IOptionsMonitor<RateLimitOptions> options, TimeProvider time, ILogger<TenantLimitStore> logger)
    {
        _redis = redis;
        _options = options;
        _time = time;
        _logger = logger;
        _cache = new ReplicatedCache<LimitOverrides?>(redis, InvalidationChannel, MaxCachedTenants, RedisTimeout, logger);
    }

    /// <summary>The Redis key of a tenant's overrides: tagged like its counters, so it lives in their cluster slot.</summary>
    public static string RedisKey(string tenant) => $"aiaspire:limits:{LimitKeys.Tag(tenant)}";

    public async ValueTask<LimitOverrides?> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var cached = _cache.TryGet(tenant, out var cachedLimits, out var fetchedAt);
        if (cached && _time.GetElapsedTime(fetchedAt, now) < _options.CurrentValue.OverrideCacheTtl)
        {
            return cachedLimits;
        }
        if (!_redis.IsConnected)
        {
            return cached ? cachedLimits : null;
        }

        var generation = _cache.Generation;
        LimitOverrides? limits;
        try
        {
            limits = await ReadAsync(tenant, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, tenant, ex.Message);
            return cached ? cachedLimits : null;
        }
        _cache.Store(tenant, limits, now, generation);
        return limits;
    }

    /// <summary>Reads straight from Redis, bypassing the cache (the admin API shows what is stored).</summary>
    public async Task<LimitOverrides?> ReadAsync(string tenant, CancellationToken cancellationToken)
    {
        var value = await _redis.GetDatabase().StringGetAsync(RedisKey(tenant)).WaitAsync(RedisTimeout, cancellationToken);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((string)value!, GatewayJsonContext.Default.LimitOverrides);
    }

    /// <summary>Stores a tenant's overrides (none or empty removes them) and tells every replica.</summary>
    public async Task SetAsync(string tenant, LimitOverrides? limits, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        if (limits is null || limits.IsEmpty)
        {
            await db.KeyDeleteAsync(RedisKey(tenant)).WaitAsync(RedisTimeout, cancellationToken);
        }
        else
        {
            await db.StringSetAsync(RedisKey(tenant), JsonSerializer.Serialize(limits, GatewayJsonContext.Default.LimitOverrides))
                .WaitAsync(RedisTimeout, cancellationToken);
        }
        await _cache.PublishChangeAsync(tenant, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable ({Reason}); tenant {Tenant}'s last known limits apply.")]
    private static partial void LogUnavailable(ILogger logger, string tenant, string reason);
}

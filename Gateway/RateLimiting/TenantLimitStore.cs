using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Gateway.Authentication;
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
    private readonly ConcurrentDictionary<string, (LimitOverrides? Limits, long FetchedAt)> _cache = new(StringComparer.Ordinal);
    private long _generation;
    private int _subscribed;

    public TenantLimitStore(IConnectionMultiplexer redis, IOptionsMonitor<RateLimitOptions> options, TimeProvider time, ILogger<TenantLimitStore> logger)
    {
        _redis = redis;
        _options = options;
        _time = time;
        _logger = logger;
        // Changes published while this replica was cut off are lost: forget everything when the connection returns.
        _redis.ConnectionRestored += (_, _) =>
        {
            InvalidateAll();
            Subscribe();
        };
        Subscribe();
    }

    /// <summary>The Redis key of a tenant's overrides: tagged like its counters, so it lives in their cluster slot.</summary>
    public static string RedisKey(string tenant) => $"aiaspire:limits:{LimitKeys.Tag(tenant)}";

    public async ValueTask<LimitOverrides?> GetAsync(string tenant, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var cached = _cache.TryGetValue(tenant, out var entry);
        if (cached && _time.GetElapsedTime(entry.FetchedAt, now) < _options.CurrentValue.OverrideCacheTtl)
        {
            return entry.Limits;
        }
        if (!_redis.IsConnected)
        {
            return cached ? entry.Limits : null;
        }

        var generation = Interlocked.Read(ref _generation);
        LimitOverrides? limits;
        try
        {
            limits = await ReadAsync(tenant, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(_logger, tenant, ex.Message);
            return cached ? entry.Limits : null;
        }
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_cache.Count >= MaxCachedTenants)
            {
                _cache.Clear();
            }
            _cache[tenant] = (limits, now);
        }
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
        Invalidate(tenant);
        await _redis.GetSubscriber().PublishAsync(InvalidationChannel, tenant).WaitAsync(RedisTimeout, cancellationToken);
    }

    private void Subscribe()
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }
        try
        {
            _redis.GetSubscriber().Subscribe(InvalidationChannel, (_, message) => Invalidate(message.ToString()));
            Volatile.Write(ref _subscribed, 1);
        }
        catch (RedisException ex)
        {
            // Retried when Redis is back; meanwhile the cache's expiry bounds how long a change goes unseen.
            LogNotSubscribed(_logger, ex.Message);
        }
    }

    private void Invalidate(string tenant)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(tenant, out _);
    }

    private void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable ({Reason}); tenant {Tenant}'s last known limits apply.")]
    private static partial void LogUnavailable(ILogger logger, string tenant, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to limit changes ({Reason}); cached limits expire on their own.")]
    private static partial void LogNotSubscribed(ILogger logger, string reason);
}

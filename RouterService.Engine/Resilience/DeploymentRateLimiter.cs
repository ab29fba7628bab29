using System.Collections.Concurrent;
using System.Globalization;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.SharedState;
using StackExchange.Redis;

namespace AiAspire.RouterService.Resilience;

/// <summary>
/// Keeps each deployment within its provider limits (<see cref="DeploymentOptions.RequestsPerMinute"/>,
/// <see cref="DeploymentOptions.TokensPerMinute"/>) per UTC minute, so the router falls back before the provider answers
/// 429. The counters live in Redis when there is one, so every router replica counts against the same limit (one Lua
/// script checks and counts atomically); in process otherwise, and whenever Redis fails or is slow — an outage costs
/// accuracy across replicas, never a request.
/// </summary>
public sealed class DeploymentRateLimiter(RouterRedis redis, TimeProvider time)
{
    // KEYS: the deployment's minute hash. ARGV: rpm limit (0: none), tpm limit (0: none), tokens to count, TTL ms.
    // Returns {1} when counted, {0, limit} when requests reached the limit, {-1, limit} when tokens did.
    private const string AcquireScript = """
        local requests = tonumber(redis.call('HGET', KEYS[1], 'requests') or '0')
        local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or '0')
        local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
        if rpm > 0 and requests >= rpm then return {0, rpm} end
        if tpm > 0 and tokens >= tpm then return {-1, tpm} end
        redis.call('HINCRBY', KEYS[1], 'requests', 1)
        redis.call('HINCRBY', KEYS[1], 'tokens', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {1}
        """;

    private static readonly TimeSpan WindowRetention = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Window> _local = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Counts a call to <paramref name="deployment"/> with <paramref name="estimatedTokens"/> of prompt against this
    /// minute's limits, or, when a limit has been reached, returns why it must be skipped ("rpm limit 60 reached").
    /// </summary>
    public async ValueTask<string?> TryAcquireAsync(Deployment deployment, int estimatedTokens, CancellationToken cancellationToken)
    {
        var (rpm, tpm) = Limits(deployment);
        if (rpm == 0 && tpm == 0)
        {
            return null;
        }
        var minute = Minute();
        if (redis.Database is { } db)
        {
            try
            {
                var result = (RedisResult[])(await db.ScriptEvaluateAsync(AcquireScript, [Key(deployment.Name, minute)],
                        [rpm, tpm, Math.Max(0, estimatedTokens), (long)WindowRetention.TotalMilliseconds])
                    .WaitAsync(redis.Timeout, cancellationToken))!;
                return (int)result[0] switch
                {
                    1 => null,
                    0 => Refusal("rpm", (long)result[1]),
                    _ => Refusal("tpm", (long)result[1]),
                };
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                redis.Failed(ex);
            }
        }
        return LocalWindow(deployment.Name, minute).TryAcquire(rpm, tpm, Math.Max(0, estimatedTokens));
    }

    /// <summary>
    /// Corrects this minute's token count once a call's usage is known: <paramref name="usedTokens"/> (prompt and answer)
    /// replace the <paramref name="estimatedTokens"/> counted when it started. Never waits for Redis.
    /// </summary>
    public void Consumed(Deployment deployment, int usedTokens, int estimatedTokens)
    {
        var (_, tpm) = Limits(deployment);
        var correction = (long)usedTokens - Math.Max(0, estimatedTokens);
        if (tpm == 0 || correction == 0)
        {
            return;
        }
        var minute = Minute();
        if (redis.Database is { } db)
        {
            try
            {
                db.HashIncrement(Key(deployment.Name, minute), "tokens", correction, CommandFlags.FireAndForget);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                redis.Failed(ex);
            }
        }
        LocalWindow(deployment.Name, minute).AddTokens(correction);
    }

    private static (long Rpm, long Tpm) Limits(Deployment deployment) =>
        (Math.Max(0, deployment.Options.RequestsPerMinute ?? 0), Math.Max(0, deployment.Options.TokensPerMinute ?? 0));

    private static string Refusal(string what, long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} limit {limit} reached");

    private long Minute() => time.GetUtcNow().ToUnixTimeSeconds() / 60;

    private static string Key(string deployment, long minute) =>
        string.Create(CultureInfo.InvariantCulture, $"aiaspire:router:limits:{Uri.EscapeDataString(deployment.ToLowerInvariant())}:{minute}");

    private Window LocalWindow(string deployment, long minute)
    {
        var window = _local.GetOrAdd(deployment, static (_, m) => new Window(m), minute);
        if (window.Minute != minute)
        {
            var fresh = new Window(minute);
            window = _local.AddOrUpdate(deployment, fresh, (_, current) => current.Minute >= minute ? current : fresh);
        }
        return window;
    }

    private sealed class Window(long minute)
    {
        private readonly Lock _gate = new();
        private long _requests;
        private long _tokens;

        public long Minute { get; } = minute;

        public string? TryAcquire(long rpm, long tpm, long tokens)
        {
            lock (_gate)
            {
                if (rpm > 0 && _requests >= rpm)
                {
                    return Refusal("rpm", rpm);
                }
                if (tpm > 0 && _tokens >= tpm)
                {
                    return Refusal("tpm", tpm);
                }
                _requests++;
                _tokens += tokens;
                return null;
            }
        }

        public void AddTokens(long tokens)
        {
            lock (_gate)
            {
                _tokens += tokens;
            }
        }
    }
}

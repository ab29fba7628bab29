using StackExchange.Redis;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Every limit of a request checked and taken in one Lua script, so replicas sharing Redis can never together exceed
/// a limit. Windows are exact sliding 60 s windows in one-second buckets (a hash of second → amount); concurrency is
/// a sorted set of in-flight request ids scored by lease expiry. Redis's clock is the only clock.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    // ARGV: request id, lease ms, then per key: kind ('w' window | 'c' concurrency | 'b' budget), limit, cost.
    // Returns: denied key index (0 = granted), Redis second, then per key: used before, seconds until capacity frees.
    private const string AcquireScript =
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1])
        local nowms = now * 1000 + math.floor(tonumber(t[2]) / 1000)
        local id = ARGV[1]
        local lease = tonumber(ARGV[2])
        local denied = 0
        local out = {}
        for i = 1, #KEYS do
          local kind = ARGV[3 + (i - 1) * 3]
          local limit = tonumber(ARGV[4 + (i - 1) * 3])
          local cost = tonumber(ARGV[5 + (i - 1) * 3])
          local used = 0
          local reset = 0
          if kind == 'w' then
            local fields = redis.call('HGETALL', KEYS[i])
            local buckets = {}
            for j = 1, #fields, 2 do
              local second = tonumber(fields[j])
              if second <= now - 60 then
                redis.call('HDEL', KEYS[i], fields[j])
              else
                local amount = tonumber(fields[j + 1])
                used = used + amount
                table.insert(buckets, {second, amount})
              end
            end
            table.sort(buckets, function(a, b) return a[1] < b[1] end)
            local need = used + cost - limit
            if cost > limit then
              reset = 60
            elseif need > 0 then
              local freed = 0
              for _, b in ipairs(buckets) do
                freed = freed + b[2]
                if freed >= need then
                  reset = b[1] + 60 - now
                  break
                end
              end
            elseif #buckets > 0 then
              reset = buckets[1][1] + 60 - now
            end
          elseif kind == 'b' then
            -- Spent so far this month; refused once it has reached the budget.
            used = tonumber(redis.call('GET', KEYS[i]) or '0')
            cost = 1
          else
            redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', nowms)
            used = redis.call('ZCARD', KEYS[i])
            cost = 1
            -- In-flight requests end at any moment: suggest retrying in a second.
            reset = 1
          end
          if denied == 0 and used + cost > limit then
            denied = i
          end
          table.insert(out, used)
          table.insert(out, reset)
        end
        if denied == 0 then
          for i = 1, #KEYS do
            local kind = ARGV[3 + (i - 1) * 3]
            if kind == 'w' then
              local cost = tonumber(ARGV[5 + (i - 1) * 3])
              if cost > 0 then
                redis.call('HINCRBY', KEYS[i], now, cost)
                redis.call('EXPIRE', KEYS[i], 61)
              end
            elseif kind == 'c' then
              redis.call('ZADD', KEYS[i], nowms + lease, id)
              redis.call('PEXPIRE', KEYS[i], lease + 1000)
            end
          end
        end
        local result = {denied, now}
        for _, v in ipairs(out) do table.insert(result, v) end
        return result
        """;

    // KEYS: window keys to correct, then concurrency keys to release. ARGV: request id, bucket second, delta, window key count.
    private const string ReleaseScript =
        """
        local windows = tonumber(ARGV[4])
        for i = 1, #KEYS do
          if i <= windows then
            if tonumber(ARGV[3]) ~= 0 and redis.call('HEXISTS', KEYS[i], ARGV[2]) == 1 then
              redis.call('HINCRBY', KEYS[i], ARGV[2], ARGV[3])
            end
          else
            redis.call('ZREM', KEYS[i], ARGV[1])
          end
        end
        return 0
        """;

    public async Task<RateLimitDecision> AcquireAsync(string requestId, TimeSpan lease, IReadOnlyList<LimitCheck> checks, CancellationToken cancellationToken)
    {
        var keys = checks.Select(c => (RedisKey)c.RedisKey).ToArray();
        var args = new List<RedisValue> { requestId, (long)lease.TotalMilliseconds };
        foreach (var check in checks)
        {
            args.Add(check.Kind switch { LimitKind.Concurrency => "c", LimitKind.Budget => "b", _ => "w" });
            args.Add(check.Limit);
            args.Add(check.Cost);
        }
        var result = (RedisResult[])(await redis.GetDatabase()
            .ScriptEvaluateAsync(AcquireScript, keys, [.. args])
            .WaitAsync(RedisTimeout, cancellationToken))!;

        var states = new LimitState[checks.Count];
        for (var i = 0; i < checks.Count; i++)
        {
            var used = (long)result[2 + i * 2];
            var reset = Math.Max(1, (long)result[3 + i * 2]);
            states[i] = new LimitState(checks[i], used, TimeSpan.FromSeconds(reset));
        }
        return new RateLimitDecision((int)result[0] - 1, (long)result[1], states);
    }

    /// <summary>Adds what a request actually cost to its month's spend (kept 40 days).</summary>
    public Task ChargeAsync(IEnumerable<LimitCheck> budgets, long microUsd) =>
        Task.WhenAll(budgets.Select(b => redis.GetDatabase()
            .ScriptEvaluateAsync("redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], 3456000) return 0",
                [(RedisKey)b.RedisKey], [microUsd])
            .WaitAsync(RedisTimeout)));

    /// <summary>Frees the request's concurrency slots and corrects its token reservation by <paramref name="tokenDelta"/>.</summary>
    public Task ReleaseAsync(string requestId, long bucketSecond, long tokenDelta, IReadOnlyList<LimitCheck> checks)
    {
        var windows = checks.Where(c => c.Kind == LimitKind.Tokens).Select(c => (RedisKey)c.RedisKey);
        var slots = checks.Where(c => c.Kind == LimitKind.Concurrency).Select(c => (RedisKey)c.RedisKey);
        var keys = windows.Concat(slots).ToArray();
        if (keys.Length == 0)
        {
            return Task.CompletedTask;
        }
        return redis.GetDatabase()
            .ScriptEvaluateAsync(ReleaseScript, keys, [requestId, bucketSecond, tokenDelta, checks.Count(c => c.Kind == LimitKind.Tokens)])
            .WaitAsync(RedisTimeout);
    }
}

using StackExchange.Redis;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Every limit of a request checked and taken in one Lua script, so replicas sharing Redis can never together exceed
/// a limit. Windows are exact sliding 60 s windows in one-second buckets (a hash of second → amount, with their running
/// sum); concurrency is a sorted set of in-flight request ids scored by lease expiry. Redis's clock is the only clock.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    // ARGV: request id, lease ms, credit (1: grant only while every window and concurrency limit stays at most half
    // taken, see AdmissionCredits), then per key: kind ('w' window | 'c' concurrency | 'b' budget), limit, cost.
    // Returns: denied key index (0 = granted), Redis second, then per key: used before, seconds until capacity frees.
    private const string AcquireScript =
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1])
        local nowms = now * 1000 + math.floor(tonumber(t[2]) / 1000)
        local id = ARGV[1]
        local lease = tonumber(ARGV[2])
        local credit = ARGV[3] == '1'
        local denied = 0
        local out = {}
        local firsts = {}
        for i = 1, #KEYS do
          local kind = ARGV[4 + (i - 1) * 3]
          local limit = tonumber(ARGV[5 + (i - 1) * 3])
          local cost = tonumber(ARGV[6 + (i - 1) * 3])
          local used = 0
          local reset = 0
          if kind == 'w' then
            -- Besides its buckets the hash keeps 's' (their sum), 'o' (no bucket below this second) and 'f' (the oldest
            -- bucket), so a check reads three fields, not sixty buckets. Every bucket was written by a check at most
            -- 59 s after 'o'; those at or before now - 60 are dropped and subtracted.
            local live = now - 59
            local state = redis.call('HMGET', KEYS[i], 's', 'o', 'f')
            used = tonumber(state[1] or '0')
            local cursor = tonumber(state[2] or live)
            local first = tonumber(state[3] or '')
            local changed = false
            if cursor < live then
              if live - cursor >= 60 then
                redis.call('DEL', KEYS[i])
                used = 0
                first = nil
              else
                local seconds = {}
                for second = cursor, live - 1 do
                  seconds[#seconds + 1] = second
                end
                local amounts = redis.call('HMGET', KEYS[i], unpack(seconds))
                local expired = {}
                for j = 1, #seconds do
                  if amounts[j] then
                    used = used - tonumber(amounts[j])
                    expired[#expired + 1] = seconds[j]
                  end
                end
                if #expired > 0 then
                  redis.call('HDEL', KEYS[i], unpack(expired))
                end
              end
              changed = true
            end
            local buckets = nil
            local function window()
              if buckets == nil then
                local seconds = {}
                for second = live, now do
                  seconds[#seconds + 1] = second
                end
                buckets = redis.call('HMGET', KEYS[i], unpack(seconds))
              end
              return buckets
            end
            if first ~= nil and first < live then
              first = nil
              -- HMGET gives false for a second without a bucket.
              for j, amount in ipairs(window()) do
                if amount then
                  first = live + j - 1
                  break
                end
              end
            end
            if changed then
              if first ~= nil then
                redis.call('HSET', KEYS[i], 's', used, 'o', live, 'f', first)
              elseif redis.call('EXISTS', KEYS[i]) == 1 then
                redis.call('HSET', KEYS[i], 's', used, 'o', live)
                redis.call('HDEL', KEYS[i], 'f')
              end
            end
            firsts[i] = first
            local need = used + cost - limit
            if cost > limit then
              reset = 60
            elseif need > 0 then
              -- Oldest first: when enough of what is counted now has left the window.
              local freed = 0
              for j, amount in ipairs(window()) do
                if amount then
                  freed = freed + tonumber(amount)
                  if freed >= need then
                    reset = live + j - 1 + 60 - now
                    break
                  end
                end
              end
            elseif first ~= nil then
              reset = first + 60 - now
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
          if denied == 0 and (used + cost > limit or (credit and kind ~= 'b' and (used + cost) * 2 > limit)) then
            denied = i
          end
          table.insert(out, used)
          table.insert(out, reset)
        end
        if denied == 0 then
          for i = 1, #KEYS do
            local kind = ARGV[4 + (i - 1) * 3]
            if kind == 'w' then
              local cost = tonumber(ARGV[6 + (i - 1) * 3])
              if cost > 0 then
                redis.call('HINCRBY', KEYS[i], now, cost)
                redis.call('HINCRBY', KEYS[i], 's', cost)
                if firsts[i] == nil then
                  redis.call('HSET', KEYS[i], 'o', now - 59, 'f', now)
                end
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

    // After the call, in one round trip. KEYS: token windows to correct, concurrency sets to leave, budgets to charge.
    // ARGV: request id, bucket second, token delta, window count, concurrency count, cost in micro-USD.
    private const string SettleScript =
        """
        local windows = tonumber(ARGV[4])
        local slots = windows + tonumber(ARGV[5])
        for i = 1, #KEYS do
          if i <= windows then
            if redis.call('HEXISTS', KEYS[i], ARGV[2]) == 1 then
              redis.call('HINCRBY', KEYS[i], ARGV[2], ARGV[3])
              redis.call('HINCRBY', KEYS[i], 's', ARGV[3])
            end
          elseif i <= slots then
            redis.call('ZREM', KEYS[i], ARGV[1])
          else
            redis.call('INCRBY', KEYS[i], ARGV[6])
            redis.call('EXPIRE', KEYS[i], 3456000)
          end
        end
        return 0
        """;

    // An admission credit given back unused, in one round trip: its amounts leave the windows' buckets of the second it
    // was counted in, and its concurrency slots are left. KEYS: windows, then concurrency sets.
    // ARGV: credit id, bucket second, window count, then each window's amount.
    private const string ReleaseScript =
        """
        local windows = tonumber(ARGV[3])
        for i = 1, #KEYS do
          if i <= windows then
            local amount = tonumber(ARGV[3 + i])
            if redis.call('HEXISTS', KEYS[i], ARGV[2]) == 1 then
              if redis.call('HINCRBY', KEYS[i], ARGV[2], -amount) <= 0 then
                redis.call('HDEL', KEYS[i], ARGV[2])
              end
              redis.call('HINCRBY', KEYS[i], 's', -amount)
            end
          else
            redis.call('ZREM', KEYS[i], ARGV[1])
          end
        end
        return 0
        """;

    /// <param name="credit">
    /// Taken ahead for a request yet to come (<see cref="AdmissionCredits"/>): granted only while every window and
    /// concurrency limit would stay at most half taken.
    /// </param>
    public async Task<RateLimitDecision> AcquireAsync(string requestId, TimeSpan lease, IReadOnlyList<LimitCheck> checks, CancellationToken cancellationToken,
        bool credit = false)
    {
        var keys = new RedisKey[checks.Count];
        var args = new RedisValue[3 + checks.Count * 3];
        args[0] = requestId;
        args[1] = (long)lease.TotalMilliseconds;
        args[2] = credit ? 1 : 0;
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            keys[i] = check.RedisKey;
            args[3 + i * 3] = check.Kind switch { LimitKind.Concurrency => "c", LimitKind.Budget => "b", _ => "w" };
            args[4 + i * 3] = check.Limit;
            args[5 + i * 3] = check.Cost;
        }
        var result = (RedisResult[])(await redis.GetDatabase()
            .ScriptEvaluateAsync(AcquireScript, keys, args)
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

    /// <summary>
    /// Settles a request in one script: frees its concurrency slots, corrects its token reservation by
    /// <paramref name="tokenDelta"/> and adds what it cost to its month's spend (kept 40 days). Nothing to do (an exact
    /// reservation, no slot, no cost) sends nothing.
    /// </summary>
    public Task SettleAsync(string requestId, long bucketSecond, long tokenDelta, long costMicroUsd, IReadOnlyList<LimitCheck> checks)
    {
        int windows = 0, slots = 0, budgets = 0;
        foreach (var check in checks)
        {
            switch (check.Kind)
            {
                case LimitKind.Tokens when tokenDelta != 0:
                    windows++;
                    break;
                case LimitKind.Concurrency:
                    slots++;
                    break;
                case LimitKind.Budget when costMicroUsd > 0:
                    budgets++;
                    break;
            }
        }
        if (windows + slots + budgets == 0)
        {
            return Task.CompletedTask;
        }
        var keys = new RedisKey[windows + slots + budgets];
        int w = 0, c = windows, b = windows + slots;
        foreach (var check in checks)
        {
            switch (check.Kind)
            {
                case LimitKind.Tokens when tokenDelta != 0:
                    keys[w++] = check.RedisKey;
                    break;
                case LimitKind.Concurrency:
                    keys[c++] = check.RedisKey;
                    break;
                case LimitKind.Budget when costMicroUsd > 0:
                    keys[b++] = check.RedisKey;
                    break;
            }
        }
        // Not awaited by the request (no timer of our own): the connection's timeout ends a lost reply.
        return redis.GetDatabase()
            .ScriptEvaluateAsync(SettleScript, keys, [requestId, bucketSecond, tokenDelta, windows, slots, costMicroUsd]);
    }

    /// <summary>Gives back an admission credit nobody used: what it counted in the windows, and its concurrency slots.</summary>
    public Task ReleaseAsync(string creditId, long bucketSecond, IReadOnlyList<LimitCheck> checks)
    {
        var windows = 0;
        var slots = 0;
        foreach (var check in checks)
        {
            if (check.Kind is LimitKind.Requests or LimitKind.Tokens)
            {
                windows++;
            }
            else if (check.Kind == LimitKind.Concurrency)
            {
                slots++;
            }
        }
        var keys = new RedisKey[windows + slots];
        var args = new RedisValue[3 + windows];
        args[0] = creditId;
        args[1] = bucketSecond;
        args[2] = windows;
        int w = 0, c = windows;
        foreach (var check in checks)
        {
            if (check.Kind is LimitKind.Requests or LimitKind.Tokens)
            {
                args[3 + w] = check.Cost;
                keys[w++] = check.RedisKey;
            }
            else if (check.Kind == LimitKind.Concurrency)
            {
                keys[c++] = check.RedisKey;
            }
        }
        return redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, keys, args);
    }
}

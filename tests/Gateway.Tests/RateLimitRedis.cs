using System.Globalization;
using AiAspire.Gateway.RateLimiting;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.Gateway.Tests;

/// <summary>What the rate limiter left in Redis, and how many scripts it ran there.</summary>
internal static class RateLimitRedis
{
    /// <summary>Scripts run on <paramref name="tenant"/>'s keys, once MONITOR has caught up with everything sent so far.</summary>
    public static async Task<int> ScriptsOnAsync(RedisMonitor monitor, IDatabase db, string tenant)
    {
        var marker = "aiaspire:test:marker:" + Guid.NewGuid().ToString("N");
        await db.StringGetAsync(marker);
        await Eventually.HoldsAsync(() => monitor.Commands.Any(c => c.Args is ["GET", var k] && k == marker), "MONITOR has caught up");
        var tag = LimitKeys.Tag(tenant);
        return monitor.Commands.Count(c => c.Args.Length >= 3
            && (c.Args[0].Equals("EVAL", StringComparison.OrdinalIgnoreCase) || c.Args[0].Equals("EVALSHA", StringComparison.OrdinalIgnoreCase))
            && c.Args.Skip(3).Take(int.Parse(c.Args[2], CultureInfo.InvariantCulture)).Any(k => k.Contains(tag, StringComparison.Ordinal)));
    }

    /// <summary>What a window counts: the sum of its one-second buckets, which its running sum ('s') must equal.</summary>
    public static async Task<long> WindowTotalAsync(IDatabase db, string key)
    {
        var fields = await db.HashGetAllAsync(key);
        var buckets = fields.Where(f => long.TryParse((string?)f.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Sum(f => (long)f.Value);
        var sum = fields.Where(f => f.Name == "s").Select(f => (long)f.Value).SingleOrDefault();
        Assert.Equal(buckets, sum);
        return buckets;
    }
}

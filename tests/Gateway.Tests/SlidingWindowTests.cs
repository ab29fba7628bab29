using System.Globalization;
using AiAspire.Gateway.RateLimiting;
using StackExchange.Redis;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// The sliding 60 s window keeps its buckets' running sum so a check reads three fields, yet counts exactly what the
/// buckets of the last 60 s hold: windows are written as they would stand after earlier traffic, relative to Redis's
/// clock, and checked through the limiter itself.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class SlidingWindowTests(GatewayApp app)
{
    [Fact]
    public async Task ExpiredBuckets_AreDroppedAndSubtracted_AndResetComesFromTheOldestLiveBucket()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var key = NewKey();
        var t = await RedisSecondAsync(db);
        await db.HashSetAsync(key, [new(Second(t - 70), 3), new(Second(t - 30), 2), new("s", 5), new("o", t - 70), new("f", t - 70)]);

        var decision = await new RedisRateLimiter(redis).AcquireAsync("r1", TimeSpan.FromMinutes(1), [Check(key, limit: 100, cost: 1)], CancellationToken.None);

        var now = decision.BucketSecond;
        Assert.True(decision.Granted);
        Assert.Equal(2, decision.States[0].UsedBefore);
        Assert.Equal(TimeSpan.FromSeconds(t - 30 + 60 - now), decision.States[0].Reset);
        Assert.False(await db.HashExistsAsync(key, Second(t - 70)));
        Assert.Equal(3, await BucketsAsync(db, key));
        Assert.Equal(t - 30, (long)await db.HashGetAsync(key, "f"));
    }

    [Fact]
    public async Task ARefusal_SaysWhenEnoughOfTheOldestBucketsLeave()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var key = NewKey();
        var t = await RedisSecondAsync(db);
        await db.HashSetAsync(key, [new(Second(t - 50), 3), new(Second(t - 40), 4), new(Second(t - 20), 5), new("s", 12), new("o", t - 55), new("f", t - 50)]);

        // 12 used + 5 wanted - 13 allowed: 4 must leave, which happens when the buckets of t-50 and t-40 have.
        var decision = await new RedisRateLimiter(redis).AcquireAsync("r2", TimeSpan.FromMinutes(1), [Check(key, limit: 13, cost: 5)], CancellationToken.None);

        Assert.False(decision.Granted);
        Assert.Equal(12, decision.States[0].UsedBefore);
        Assert.Equal(TimeSpan.FromSeconds(t - 40 + 60 - decision.BucketSecond), decision.States[0].Reset);
        Assert.Equal(12, await BucketsAsync(db, key));
    }

    [Fact]
    public async Task AWindowIdleForOverAMinute_StartsEmpty()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var key = NewKey();
        var t = await RedisSecondAsync(db);
        await db.HashSetAsync(key, [new(Second(t - 200), 4), new(Second(t - 150), 4), new("s", 8), new("o", t - 200), new("f", t - 200)]);

        var decision = await new RedisRateLimiter(redis).AcquireAsync("r3", TimeSpan.FromMinutes(1), [Check(key, limit: 1, cost: 1)], CancellationToken.None);

        Assert.True(decision.Granted);
        Assert.Equal(0, decision.States[0].UsedBefore);
        Assert.Equal(1, await BucketsAsync(db, key));
        Assert.Equal(decision.BucketSecond, (long)await db.HashGetAsync(key, "f"));
    }

    [Fact]
    public async Task SettlingACorrection_MovesTheBucketAndTheSum_OnlyWhileTheBucketLives()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var key = NewKey();
        var limiter = new RedisRateLimiter(redis);
        List<LimitCheck> checks = [Check(key, limit: 10_000, cost: 1000, LimitKind.Tokens)];
        var decision = await limiter.AcquireAsync("r4", TimeSpan.FromMinutes(1), checks, CancellationToken.None);

        await limiter.SettleAsync("r4", decision.BucketSecond, -900, 0, checks);
        await limiter.SettleAsync("r4", decision.BucketSecond - 3600, -50, 0, checks);

        Assert.Equal(100, await BucketsAsync(db, key));
        Assert.False(await db.HashExistsAsync(key, Second(decision.BucketSecond - 3600)));
    }

    private static string NewKey() => $"aiaspire:rl:{{t:windows}}:k:{Guid.NewGuid():N}:requests:v2";

    private static LimitCheck Check(string key, long limit, long cost, LimitKind kind = LimitKind.Requests) => new(kind, key, limit, cost, FailOpen: false);

    private static string Second(long second) => second.ToString(CultureInfo.InvariantCulture);

    private static async Task<long> RedisSecondAsync(IDatabase db) => (long)((RedisResult[])(await db.ExecuteAsync("TIME"))!)[0];

    /// <summary>The sum of the window's buckets, after checking that its running sum agrees.</summary>
    private static async Task<long> BucketsAsync(IDatabase db, string key)
    {
        var fields = await db.HashGetAllAsync(key);
        var buckets = fields.Where(f => long.TryParse((string?)f.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _)).Sum(f => (long)f.Value);
        Assert.Equal(buckets, (long)fields.Single(f => f.Name == "s").Value);
        return buckets;
    }
}

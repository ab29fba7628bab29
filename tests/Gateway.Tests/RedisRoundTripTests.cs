using System.Globalization;
using System.Net;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Gateway.RateLimiting;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Every limit costs a request at most two Redis scripts: one takes them all before the call, one settles them all
/// after it (frees the slots, corrects the token reservation, charges the cost) — and none when there is nothing to settle.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RedisRoundTripTests
{
    private readonly GatewayApp _app;

    public RedisRoundTripTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task EveryLimitOn_ARequestTakesOneScriptBefore_AndOneAfter_ThatSettlesEverything()
    {
        await using var monitor = await RedisMonitor.StartAsync(_app.Redis.Port);
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: GatewayApp.EveryLimitOn));
        var tenant = "round-trips-" + Guid.NewGuid().ToString("N")[..8];
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant, scopes = new[] { "chat" } });

        var response = await client.SendAsync(Proxy.Chat(key.Key, usage: 20, cost: "0.0001"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var now = DateTimeOffset.UtcNow;
        await Eventually.HoldsAsync(async () =>
            (long)await db.StringGetAsync(LimitKeys.KeyBudget(tenant, key.Id, now)) == 100
            && (long)await db.StringGetAsync(LimitKeys.TenantBudget(tenant, now)) == 100, "the cost is charged to both budgets");
        Assert.Equal(20, await RateLimitRedis.WindowTotalAsync(db, LimitKeys.KeyWindow(tenant, key.Id, LimitKind.Tokens)));
        Assert.Equal(20, await RateLimitRedis.WindowTotalAsync(db, LimitKeys.TenantWindow(tenant, LimitKind.Tokens)));
        Assert.Equal(0, await db.SortedSetLengthAsync(LimitKeys.KeyWindow(tenant, key.Id, LimitKind.Concurrency)));
        Assert.Equal(0, await db.SortedSetLengthAsync(LimitKeys.TenantWindow(tenant, LimitKind.Concurrency)));

        Assert.Equal(2, await RateLimitRedis.ScriptsOnAsync(monitor, db, tenant));
    }

    [Fact]
    public async Task AnExactReservation_WithoutSlotsOrCost_IsNotSettled_AnInexactOneIs()
    {
        await using var monitor = await RedisMonitor.StartAsync(_app.Redis.Port);
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "100000",
            // The second request settles in steady traffic: no credit is taken ahead here (AdmissionCreditTests count those).
            ["Gateway:RateLimits:CreditHold"] = "00:00:00",
        }));
        var tenant = "exact-" + Guid.NewGuid().ToString("N")[..8];
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant, scopes = new[] { "chat" } });

        // Reserved: "user" + "Hello" = 9 characters ≈ 3 tokens, + max_tokens 100.
        var exact = await client.SendAsync(Proxy.Chat(key.Key, usage: 103));
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        await exact.Content.ReadAsStringAsync();
        var inexact = await client.SendAsync(Proxy.Chat(key.Key, usage: 50));
        Assert.Equal(HttpStatusCode.OK, inexact.StatusCode);
        await inexact.Content.ReadAsStringAsync();

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        await Eventually.HoldsAsync(async () => await RateLimitRedis.WindowTotalAsync(db, LimitKeys.KeyWindow(tenant, key.Id, LimitKind.Tokens)) == 153,
            "the second reservation is settled at its usage");
        Assert.Equal(3, await RateLimitRedis.ScriptsOnAsync(monitor, db, tenant));
    }

    [Fact]
    public async Task ASettlementThatFails_AfterTheResponse_IsLogged()
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            var logs = new CapturingLoggerProvider();
            using var client = GatewayApp.CreateClient(_app.CreateReplica(redis.ConnectionString, new Dictionary<string, string>
            {
                ["Gateway:RateLimits:Concurrency:PerKey"] = "10",
            }, builder => builder.ConfigureLogging(logging => logging.AddProvider(logs))));
            var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "settle-outage", scopes = new[] { "chat" } });
            using var slow = Proxy.Request("GET", "/v1/models", bearer: key.Key);
            slow.Headers.Add("x-test-delay-ms", "1000");

            // Redis goes away after the slot was taken and before it is freed.
            var inFlight = client.SendAsync(slow);
            await Eventually.HoldsAsync(() => _app.Backends["orchestrator"].Received.Any(r => r.Header(AiAspireHeaders.KeyId).Contains(key.Id)),
                "the request reached the backend");
            redis.Stop();

            Assert.Equal(HttpStatusCode.OK, (await inFlight).StatusCode);
            await Eventually.HoldsAsync(() => logs.Lines.Any(l => l.StartsWith("Warning", StringComparison.Ordinal)
                && l.Contains("Could not release a request's rate limits", StringComparison.Ordinal)), "the failed settlement is logged");
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    /// <summary>The scripts run on the tenant's keys, once MONITOR has shown everything sent before this call.</summary>
}

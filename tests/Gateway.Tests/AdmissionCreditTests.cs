using System.Globalization;
using System.Net;
using AiAspire.Gateway.RateLimiting;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Steady traffic is admitted on credits taken one request ahead, and every count comes out as if each request had
/// waited on its own acquire: the windows, the slots, the budgets and the headers. Each test waits for the replica to
/// have sent its credit before the next request, so which request takes one is decided, not raced.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AdmissionCreditTests
{
    // The longest hold allowed: a slow machine still counts the test's requests as steady traffic.
    private const string Hold = "00:00:05";

    private readonly GatewayApp _app;

    public AdmissionCreditTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task SteadyTraffic_IsAdmittedOnCredits_AndEveryWindowSlotBudgetAndHeaderComesOutExact()
    {
        await using var monitor = await RedisMonitor.StartAsync(_app.Redis.Port);
        var (client, credits) = Replica(new Dictionary<string, string>(GatewayApp.EveryLimitOn) { ["Gateway:RateLimits:CreditHold"] = Hold });
        using var _ = client;
        var tenant = "credits-" + Guid.NewGuid().ToString("N")[..8];
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant, scopes = new[] { "chat" } });

        var remaining = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.SendAsync(Proxy.Chat(key.Key, usage: 20, cost: "0.0001"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
            remaining.Add(response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
            if (i >= 1)
            {
                await Eventually.HoldsAsync(() => credits.Held == 1, "the replica has taken a credit for the next request");
            }
        }

        // The first two wait on their own acquire; every later one takes the credit its predecessor left.
        Assert.Equal(18, credits.Used);
        Assert.Equal([.. Enumerable.Range(1, 20).Select(i => (100 - i).ToString(CultureInfo.InvariantCulture))], remaining);
        await Eventually.HoldsAsync(() => credits.Released == 1, "the last credit, held unused, is given back");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        await Eventually.HoldsAsync(async () => await RateLimitRedis.WindowTotalAsync(db, LimitKeys.KeyWindow(tenant, key.Id, LimitKind.Requests)) == 20,
            "the given-back credit has left the requests window");
        Assert.Equal(20, await RateLimitRedis.WindowTotalAsync(db, LimitKeys.TenantWindow(tenant, LimitKind.Requests)));
        Assert.Equal(20 * 20, await RateLimitRedis.WindowTotalAsync(db, LimitKeys.KeyWindow(tenant, key.Id, LimitKind.Tokens)));
        Assert.Equal(20 * 20, await RateLimitRedis.WindowTotalAsync(db, LimitKeys.TenantWindow(tenant, LimitKind.Tokens)));
        Assert.Equal(0, await db.SortedSetLengthAsync(LimitKeys.KeyWindow(tenant, key.Id, LimitKind.Concurrency)));
        Assert.Equal(0, await db.SortedSetLengthAsync(LimitKeys.TenantWindow(tenant, LimitKind.Concurrency)));
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(20 * 100, (long)await db.StringGetAsync(LimitKeys.KeyBudget(tenant, key.Id, now)));
        Assert.Equal(20 * 100, (long)await db.StringGetAsync(LimitKeys.TenantBudget(tenant, now)));

        // Still two scripts a request (the credit's acquire instead of its own, and its settle), plus the credit taken
        // after the last request and its giving back.
        Assert.Equal(2 * 20 + 2, await RateLimitRedis.ScriptsOnAsync(monitor, db, tenant));
    }

    [Fact]
    public async Task ACredit_IsGrantedOnlyWhileEveryLimitStaysHalfFree_SoTheLimitItselfIsTakenRequestByRequest()
    {
        var (client, credits) = Replica(new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Requests:PerKey"] = "6",
            ["Gateway:RateLimits:CreditHold"] = Hold,
        });
        using var _ = client;
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "credits-half", scopes = new[] { "chat" } });

        var statuses = new List<HttpStatusCode>();
        var remaining = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));
            statuses.Add(response.StatusCode);
            remaining.Add(response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
            if (i == 1)
            {
                // 2 taken + the credit = 3 of 6: granted.
                await Eventually.HoldsAsync(() => credits.Held == 1, "the credit for the third request is taken");
            }
            else if (i == 2)
            {
                // 3 taken + a credit = 4 of 6: refused, and no credit is asked for during the next hold.
                await Eventually.HoldsAsync(() => credits.Denied == 1, "the credit for the fourth request is refused");
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 6), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(["5", "4", "3", "2", "1", "0", "0"], remaining);
        Assert.Equal(1, credits.Used);
        Assert.Equal(1, credits.Denied);
    }

    [Fact]
    public async Task ACredit_IsTakenAfterItsPredecessorsCharge_SoABudgetSpentByACreditedRequestRefusesTheNext()
    {
        var (client, credits) = Replica(new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Budget:MonthlyUsdPerKey"] = "0.002",
            ["Gateway:RateLimits:CreditHold"] = Hold,
        });
        using var _ = client;
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "credits-budget", scopes = new[] { "chat" } });

        var statuses = new List<HttpStatusCode>();
        foreach (var cost in (string[])["0", "0", "0.0025", "0"])
        {
            using var request = Proxy.Request("GET", "/v1/models", bearer: key.Key);
            request.Headers.Add("x-test-cost", cost);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (statuses.Count == 2)
            {
                await Eventually.HoldsAsync(() => credits.Held == 1, "the credit for the third request is taken");
            }
        }

        // The third request came in on a credit and spent the budget; the fourth's credit was asked for after that charge.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(1, credits.Used);
    }

    [Fact]
    public async Task CreditHoldZero_EveryRequestWaitsOnItsOwnAcquire()
    {
        var (client, credits) = Replica(new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Requests:PerKey"] = "100",
            ["Gateway:RateLimits:CreditHold"] = "00:00:00",
        });
        using var _ = client;
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "credits-off", scopes = new[] { "chat" } });

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, credits.Held);
        Assert.Equal(0, credits.Used);
    }

    private (HttpClient Client, AdmissionCredits Credits) Replica(IReadOnlyDictionary<string, string> settings)
    {
        WebApplicationFactory<Program> replica = _app.CreateReplica(settings: settings);
        return (GatewayApp.CreateClient(replica), replica.Services.GetRequiredService<AdmissionCredits>());
    }
}

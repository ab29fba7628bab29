using System.Net;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Gateway.RateLimiting;
using AiAspire.TestKit;

namespace AiAspire.Gateway.Tests;

/// <summary>Limits taken atomically in Redis: they hold across replicas, reserve tokens before the call and settle after it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RateLimitTests
{
    private readonly GatewayApp _app;

    public RateLimitTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task TwoReplicas_100RequestsPerMinute_1000ConcurrentRequests_ExactlyTheLimitIsAccepted()
    {
        var settings = new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Requests:PerKey"] = "100",
            // Closed, so that a Redis hiccup under load shows as 503 and can never let extra requests through.
            ["Gateway:RateLimits:Requests:FailOpen"] = "false",
        };
        using var a = GatewayApp.CreateClient(_app.CreateReplica(settings: settings));
        using var b = GatewayApp.CreateClient(_app.CreateReplica(settings: settings));
        var key = await Keys.CreateAsync(a, GatewayApp.DevKey, new { tenant = "burst", scopes = new[] { "chat" } });

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i =>
            (i % 2 == 0 ? a : b).SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))));

        var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(100, accepted);
        Assert.Equal(900, limited.Count);
        Assert.Equal(100, _app.Backends["orchestrator"].Received.Count);
        await Proxy.AssertProblemAsync(limited[0], HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
        Assert.InRange(limited[0].Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal("0", limited[0].Headers.GetValues("x-ratelimit-remaining-requests").Single());
    }

    [Fact]
    public async Task Responses_CarryOpenAIStyleRateLimitHeaders()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Requests:PerKey"] = "5",
            ["Gateway:RateLimits:Tokens:PerKey"] = "10000",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "headers", scopes = new[] { "chat" } });

        var first = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 100));
        var second = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 100));

        await Proxy.AssertProxiedAsync(first);
        Assert.Equal("5", first.Headers.GetValues("x-ratelimit-limit-requests").Single());
        Assert.Equal("4", first.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal("3", second.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Matches("^[0-9]+s$", first.Headers.GetValues("x-ratelimit-reset-requests").Single());
        Assert.Equal("10000", first.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        var remainingTokens = long.Parse(first.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(remainingTokens, 10000 - 100 - 50, 10000 - 100 - 1);
    }

    [Fact]
    public async Task AKeysOwnLimit_ReplacesTheConfiguredDefault_OnlyForThatKey()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Requests:PerKey"] = "100",
        }));
        var tight = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "own-limits", scopes = new[] { "chat" }, limits = new { requestsPerMinute = 2 } });
        var usual = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "own-limits", scopes = new[] { "chat" } });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: tight.Key))).StatusCode);
        }
        var other = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: usual.Key));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("100", other.Headers.GetValues("x-ratelimit-limit-requests").Single());
    }

    [Theory]
    [InlineData("Gateway:RateLimits:Budget:MonthlyUsdPerKey", "API key")]
    [InlineData("Gateway:RateLimits:Budget:MonthlyUsdPerTenant", "tenant")]
    public async Task MonthlyBudget_FedByActualCosts_RefusesOnceSpent(string setting, string who)
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string> { [setting] = "0.002" }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = who == "tenant" ? "budget-tenant" : "budget-key", scopes = new[] { "chat" } });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = Proxy.Request("GET", "/v1/models", bearer: key.Key);
            request.Headers.Add("x-test-cost", "0.0015");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));

        // 0 and 0.0015 USD spent are under the 0.002 budget; 0.003 is not.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.TooManyRequests, RateLimitMiddleware.BudgetExhaustedType);
        Assert.Contains($"{who}'s monthly budget of 0.002 USD", problem.GetProperty("detail").GetString());
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromDays(31));
    }

    [Fact]
    public async Task AKeysOwnBudget_AppliesToItAlone()
    {
        using var client = _app.CreateClient();
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "own-budget", scopes = new[] { "chat" }, limits = new { monthlyBudgetUsd = 0.001 } });
        using var first = Proxy.Request("GET", "/v1/models", bearer: key.Key);
        first.Headers.Add("x-test-cost", "0.001");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(first)).StatusCode);
        await Proxy.AssertProblemAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key)),
            HttpStatusCode.TooManyRequests, RateLimitMiddleware.BudgetExhaustedType);
    }

    [Fact]
    public async Task TenantLimit_IsSharedByTheTenantsKeys()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Requests:PerKey"] = "100",
            ["Gateway:RateLimits:Requests:PerTenant"] = "5",
        }));
        var one = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "shared-tenant", scopes = new[] { "chat" } });
        var two = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "shared-tenant", scopes = new[] { "chat" } });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: i % 2 == 0 ? one.Key : two.Key))).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        var problem = await Proxy.AssertProblemAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: one.Key)),
            HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
        Assert.Contains("tenant", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tokens_AreReservedBeforeTheCall_AndSettledWithTheReportedUsage(bool stream)
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "1000",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = stream ? "tokens-stream" : "tokens-json", scopes = new[] { "chat" } });

        // 600 reserved, 10 used: the second call fits only because the first was settled at its actual usage.
        var first = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 600, usage: 10, stream: stream));
        var second = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 600, usage: 600, stream: stream));
        // Now 610 are used: another 600 cannot be reserved.
        var third = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 600, usage: 10, stream: stream));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        if (stream)
        {
            Assert.Contains("data: [DONE]", await first.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var problem = await Proxy.AssertProblemAsync(third, HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
        Assert.Contains("tokens per minute", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Tokens_WithoutReportedUsage_TheReservationStands()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "1000",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "no-usage", scopes = new[] { "chat" } });

        var first = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 600));
        var second = await client.SendAsync(Proxy.Chat(key.Key, maxTokens: 600));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task ConcurrentRequests_AboveTheLimit_Get429_AndTheSlotIsFreedAfterwards()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Concurrency:PerKey"] = "1",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "concurrent", scopes = new[] { "chat" } });
        using var slow = Proxy.Request("GET", "/v1/models", bearer: key.Key);
        slow.Headers.Add("x-test-delay-ms", "1500");

        var inFlight = client.SendAsync(slow);
        await WaitUntilAsync(() => _app.Backends["orchestrator"].Received.Any(r => r.Header(AiAspireHeaders.KeyId).Contains(key.Id)));
        var during = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));
        Assert.Equal(HttpStatusCode.OK, (await inFlight).StatusCode);
        var after = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));

        await Proxy.AssertProblemAsync(during, HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Theory]
    [InlineData(false, HttpStatusCode.ServiceUnavailable)]
    [InlineData(true, HttpStatusCode.OK)]
    public async Task RedisDown_EachLimitFailsOpenOrClosedAsConfigured(bool failOpen, HttpStatusCode expected)
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            using var client = GatewayApp.CreateClient(_app.CreateReplica(redis.ConnectionString, new Dictionary<string, string>
            {
                ["Gateway:RateLimits:Requests:PerKey"] = "100",
                ["Gateway:RateLimits:Requests:FailOpen"] = failOpen ? "true" : "false",
                ["Gateway:RateLimits:Concurrency:PerKey"] = "10",
                ["Gateway:RateLimits:Concurrency:FailOpen"] = "true",
            }));
            var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "outage", scopes = new[] { "chat" } });
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))).StatusCode);

            redis.Stop();
            var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));

            Assert.Equal(expected, response.StatusCode);
            if (!failOpen)
            {
                var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
                Assert.Contains("requests", problem.GetProperty("detail").GetString());
                Assert.DoesNotContain("concurrency", problem.GetProperty("detail").GetString());
            }
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        Assert.True(condition(), "condition not met within 5 s");
    }
}

using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;
using AiAspire.Gateway.RateLimiting;
using AiAspire.TestKit;

namespace AiAspire.Gateway.Tests;

/// <summary>Per-tenant and per-key limits set through the admin API: stored in Redis, in force on every replica at once.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LimitOverrideTests
{
    private readonly GatewayApp _app;

    public LimitOverrideTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task TenantLimits_SetByTheOperator_ApplyOnEveryReplica_WithoutARestart_AndClearBackToTheDefault()
    {
        var settings = new Dictionary<string, string> { ["Gateway:RateLimits:Requests:PerTenant"] = "100" };
        using var a = GatewayApp.CreateClient(_app.CreateReplica(settings: settings));
        using var b = GatewayApp.CreateClient(_app.CreateReplica(settings: settings));
        var key = await Keys.CreateAsync(a, GatewayApp.DevKey, new { tenant = "override-tenant", scopes = new[] { "chat" } });
        // Replica b has read (and cached) the tenant's limits before they change.
        Assert.Equal("100", LimitHeader(await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))));

        var set = await a.SendAsync(Keys.Request(HttpMethod.Put, "/api/tenants/override-tenant/limits", GatewayApp.DevKey, new { requestsPerMinute = 3 }));
        var info = JsonDocument.Parse(await set.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(3, info.GetProperty("overrides").GetProperty("requestsPerMinute").GetInt64());
        Assert.Equal(3, info.GetProperty("effective").GetProperty("requestsPerMinute").GetInt64());
        Assert.Equal(0, info.GetProperty("effective").GetProperty("tokensPerMinute").GetInt64());
        await Eventually.MatchesAsync(async () => LimitHeader(await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))),
            limit => limit == "3", "replica b applies the tenant's new limit");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await (i % 2 == 0 ? a : b).SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))).StatusCode);
        }
        var refused = await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key));
        var problem = await Proxy.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
        Assert.Contains("tenant's limit of 3 requests per minute", problem.GetProperty("detail").GetString());
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        var cleared = await a.SendAsync(Keys.Request(HttpMethod.Delete, "/api/tenants/override-tenant/limits", GatewayApp.DevKey));
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        await Eventually.MatchesAsync(async () => LimitHeader(await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))),
            limit => limit == "100", "replica b is back on the configured default");
        var read = JsonDocument.Parse(await (await b.SendAsync(Keys.Request(HttpMethod.Get, "/api/tenants/override-tenant/limits", GatewayApp.DevKey)))
            .Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, read.GetProperty("overrides").ValueKind);
        Assert.Equal(100, read.GetProperty("effective").GetProperty("requestsPerMinute").GetInt64());
    }

    [Fact]
    public async Task TenantBudget_Override_RefusesOnceSpent()
    {
        using var client = _app.CreateClient();
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "override-budget", scopes = new[] { "chat" } });
        var set = await client.SendAsync(Keys.Request(HttpMethod.Put, "/api/tenants/override-budget/limits", GatewayApp.DevKey, new { monthlyBudgetUsd = 0.001 }));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        using var costly = Proxy.Request("GET", "/v1/models", bearer: key.Key);
        costly.Headers.Add("x-test-cost", "0.001");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(costly)).StatusCode);
        var problem = await Proxy.AssertProblemAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key)),
            HttpStatusCode.TooManyRequests, RateLimitMiddleware.BudgetExhaustedType);
        Assert.Contains("tenant's monthly budget of 0.001 USD", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task KeyLimits_SetThroughTheAdminApi_ApplyOnEveryReplica()
    {
        var settings = new Dictionary<string, string> { ["Gateway:RateLimits:Requests:PerKey"] = "100" };
        using var a = GatewayApp.CreateClient(_app.CreateReplica(settings: settings));
        using var b = GatewayApp.CreateClient(_app.CreateReplica(settings: settings));
        var admin = await Keys.CreateAsync(a, GatewayApp.DevKey, new { tenant = "override-key", scopes = new[] { "admin" } });
        var key = await Keys.CreateAsync(a, admin.Key, new { scopes = new[] { "chat" } });
        Assert.Equal("100", LimitHeader(await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))));

        // A tenant's admin sets its own key's limits.
        var set = await a.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{key.Id}/limits", admin.Key, new { requestsPerMinute = 7 }));
        var info = JsonDocument.Parse(await set.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(7, info.GetProperty("limits").GetProperty("requestsPerMinute").GetInt64());
        await Eventually.MatchesAsync(async () => LimitHeader(await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))),
            limit => limit == "7", "replica b applies the key's new limit");
        var read = JsonDocument.Parse(await (await b.SendAsync(Keys.Request(HttpMethod.Get, $"/api/keys/{key.Id}", admin.Key))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(7, read.GetProperty("limits").GetProperty("requestsPerMinute").GetInt64());
    }

    private const string? None = null;

    public static TheoryData<string, string, string, object?, HttpStatusCode, string?> Matrix => new()
    {
        // who, method, tenant, body, expected status, expected problem type
        { "none", "GET", "matrix", None, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized },
        { "none", "PUT", "matrix", new { requestsPerMinute = 1 }, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized },
        { "chat", "GET", "matrix", None, HttpStatusCode.Forbidden, ProblemTypes.Forbidden },
        { "chat", "PUT", "matrix", new { requestsPerMinute = 1 }, HttpStatusCode.Forbidden, ProblemTypes.Forbidden },
        { "tenant-admin", "GET", "matrix", None, HttpStatusCode.OK, None },
        { "tenant-admin", "GET", "matrix-other", None, HttpStatusCode.Forbidden, ProblemTypes.Forbidden },
        { "tenant-admin", "PUT", "matrix", new { requestsPerMinute = 1000 }, HttpStatusCode.Forbidden, ProblemTypes.Forbidden },
        { "tenant-admin", "DELETE", "matrix", None, HttpStatusCode.Forbidden, ProblemTypes.Forbidden },
        { "operator", "GET", "matrix-other", None, HttpStatusCode.OK, None },
        { "operator", "PUT", "matrix-other", new { requestsPerMinute = 0, concurrentRequests = 5 }, HttpStatusCode.OK, None },
        { "operator", "DELETE", "matrix-other", None, HttpStatusCode.NoContent, None },
        { "operator", "PUT", "matrix-other", new { requestsPerMinute = -1 }, HttpStatusCode.BadRequest, ProblemTypes.Validation },
        { "operator", "PUT", "matrix-other", new { monthlyBudgetUsd = "lots" }, HttpStatusCode.BadRequest, ProblemTypes.InvalidJson },
        { "operator", "GET", "Not%20A%20Tenant", None, HttpStatusCode.BadRequest, ProblemTypes.Validation },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task TenantLimits_AuthMatrix(string who, string method, string tenant, object? body, HttpStatusCode expected, string? type)
    {
        using var client = _app.CreateClient();
        var bearer = who switch
        {
            "chat" => GatewayApp.OnlyKey(Scopes.Chat),
            "tenant-admin" => (await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "matrix", scopes = new[] { "admin" } })).Key,
            "operator" => GatewayApp.DevKey,
            _ => null,
        };

        var response = await client.SendAsync(Keys.Request(new HttpMethod(method), $"/api/tenants/{tenant}/limits", bearer, body));

        if (type is null)
        {
            Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync());
            return;
        }
        var problem = await Proxy.AssertProblemAsync(response, expected, type);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task KeyLimits_AuthMatrix_OtherTenantsKeysAreMissing_ChatKeysForbidden_BadLimitsRefused()
    {
        using var client = _app.CreateClient();
        var admin = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "key-matrix", scopes = new[] { "admin" } });
        var foreign = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "key-matrix-other", scopes = new[] { "chat" } });
        var own = await Keys.CreateAsync(client, admin.Key, new { scopes = new[] { "chat" } });

        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{foreign.Id}/limits", admin.Key, new { requestsPerMinute = 1 })),
            HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Get, $"/api/keys/{foreign.Id}", admin.Key)),
            HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{own.Id}/limits", own.Key, new { requestsPerMinute = 1 })),
            HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{own.Id}/limits", null, new { requestsPerMinute = 1 })),
            HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{own.Id}/limits", admin.Key, new { requestsPerMinute = 0 })),
            HttpStatusCode.BadRequest, ProblemTypes.Validation);
        // An empty object clears the key's own limits.
        var cleared = await client.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{own.Id}/limits", admin.Key, new { }));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await cleared.Content.ReadAsStringAsync()).RootElement.GetProperty("limits").ValueKind);
    }

    private static string? LimitHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-ratelimit-limit-requests", out var values) ? values.Single() : null;
}

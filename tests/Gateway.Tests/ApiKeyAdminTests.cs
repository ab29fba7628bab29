using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Tests;

/// <summary>/api/keys: stored keys are created, listed and revoked by admins, and Redis never holds a secret.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ApiKeyAdminTests
{
    private readonly GatewayApp _app;

    public ApiKeyAdminTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task Create_ReturnsTheSecretOnce_RedisHoldsOnlyItsDigest_AndTheKeyWorks()
    {
        using var client = _app.CreateClient();

        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "globex", name = "ci", scopes = new[] { "chat" } });

        Assert.StartsWith("sk-aia-", created.Key);
        Assert.True(created.Key.Length >= 40);
        Assert.Equal("globex", created.Tenant);
        var redis = _app.Redis.Connect();
        await using (redis)
        {
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var stored = new List<string>();
            await foreach (var redisKey in server.KeysAsync(pattern: "*"))
            {
                stored.Add(redisKey.ToString());
                stored.Add(redis.GetDatabase().KeyType(redisKey) == StackExchange.Redis.RedisType.Hash
                    ? string.Join('\n', redis.GetDatabase().HashGetAll(redisKey).Select(e => $"{e.Name}={e.Value}"))
                    : redis.GetDatabase().StringGet(redisKey).ToString());
            }
            Assert.Contains(RedisApiKeyStore.ByDigestPrefix + RedisApiKeyStore.Digest(created.Key), stored);
            Assert.DoesNotContain(stored, s => s.Contains(created.Key, StringComparison.Ordinal));
            Assert.DoesNotContain(stored, s => s.Contains(created.Key[7..], StringComparison.Ordinal));
        }

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key)));
        Assert.Equal(["globex"], echoed.Header(AiAspireHeaders.Tenant));
        Assert.Equal([created.Id], echoed.Header(AiAspireHeaders.KeyId));
        Assert.Equal(["chat"], echoed.Header(AiAspireHeaders.Scopes));

        var listed = await client.SendAsync(Keys.Request(HttpMethod.Get, "/api/keys?tenant=globex", GatewayApp.DevKey));
        var body = await listed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains(created.Id, body);
        Assert.DoesNotContain(created.Key, body);
    }

    [Fact]
    public async Task Create_WithoutAKey_Is401_WithoutTheAdminScope_Is403()
    {
        using var client = _app.CreateClient();

        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Post, "/api/keys", null, new { scopes = new[] { "chat" } })),
            HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        var forbidden = await client.SendAsync(Keys.Request(HttpMethod.Post, "/api/keys", GatewayApp.WithoutKey(Scopes.Admin), new { scopes = new[] { "chat" } }));
        var problem = await Proxy.AssertProblemAsync(forbidden, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Contains("'admin'", problem.GetProperty("detail").GetString());
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task StoredAdminKey_ManagesOnlyItsOwnTenant()
    {
        using var client = _app.CreateClient();
        var tenantAdmin = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "initech", scopes = new[] { "admin" } });
        var otherTenants = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "umbrella", scopes = new[] { "chat" } });

        var own = await Keys.CreateAsync(client, tenantAdmin.Key, new { scopes = new[] { "chat" } });
        var foreign = await client.SendAsync(Keys.Request(HttpMethod.Post, "/api/keys", tenantAdmin.Key, new { tenant = "umbrella", scopes = new[] { "chat" } }));
        var listed = await (await client.SendAsync(Keys.Request(HttpMethod.Get, "/api/keys", tenantAdmin.Key))).Content.ReadAsStringAsync();
        var revokeForeign = await client.SendAsync(Keys.Request(HttpMethod.Delete, $"/api/keys/{otherTenants.Id}", tenantAdmin.Key));

        Assert.Equal("initech", own.Tenant);
        await Proxy.AssertProblemAsync(foreign, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        var tenants = JsonDocument.Parse(listed).RootElement.EnumerateArray().Select(k => k.GetProperty("tenant").GetString()).Distinct().ToList();
        Assert.Equal(["initech"], tenants);
        await Proxy.AssertProblemAsync(revokeForeign, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: otherTenants.Key)));
    }

    [Fact]
    public async Task Revoke_StopsTheKey_ListShowsItRevoked_UnknownIdIs404()
    {
        using var client = _app.CreateClient();
        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "hooli", scopes = new[] { "chat" } });
        await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key)));

        var revoked = await client.SendAsync(Keys.Request(HttpMethod.Delete, $"/api/keys/{created.Id}", GatewayApp.DevKey));

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var problem = await Proxy.AssertProblemAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key)),
            HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("not valid", problem.GetProperty("detail").GetString());
        var listed = JsonDocument.Parse(await (await client.SendAsync(Keys.Request(HttpMethod.Get, "/api/keys?tenant=hooli", GatewayApp.DevKey))).Content.ReadAsStringAsync());
        var entry = Assert.Single(listed.RootElement.EnumerateArray());
        Assert.Equal(created.Id, entry.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.String, entry.GetProperty("revokedAt").ValueKind);
        await Proxy.AssertProblemAsync(await client.SendAsync(Keys.Request(HttpMethod.Delete, "/api/keys/key_nope", GatewayApp.DevKey)),
            HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    public static TheoryData<string> InvalidRequests => new()
    {
        """{"scopes":[]}""",
        """{"scopes":["chat","root"]}""",
        """{"scopes":["chat"],"tenant":"Bad Tenant!"}""",
        """{"scopes":["chat"],"expiresAt":"2001-01-01T00:00:00Z"}""",
        """{"scopes":["chat"],"models":[""]}""",
        """{"scopes":"chat"}""",
        """{"scopes":["chat"],"limits":{"requestsPerMinute":0}}""",
        """{"scopes":["chat"]""",
        "null",
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Create_WithInvalidBody_Is400Problem(string json)
    {
        using var client = _app.CreateClient();
        using var request = Keys.Request(HttpMethod.Post, "/api/keys", GatewayApp.DevKey);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

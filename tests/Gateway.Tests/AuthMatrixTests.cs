using System.Net;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Tests;

/// <summary>Every way a stored key can be refused, and that a refused request reaches no backend.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthMatrixTests
{
    private readonly GatewayApp _app;

    public AuthMatrixTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        using var client = _app.CreateClient();
        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "expiring", scopes = new[] { "chat" }, expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key)));
        await ExpireInRedisAsync(created.Id);
        _app.Reset();

        var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key));

        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task StoredKey_WrongScope_Is403()
    {
        using var client = _app.CreateClient();
        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "scoped", scopes = new[] { "embeddings" } });

        var response = await client.SendAsync(Chat(created.Key, """{"model":"gpt-4o-mini","messages":[]}"""));

        await Proxy.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Empty(_app.AllReceived);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""", "'gpt-4o'")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "must name one")]
    [InlineData("""{"model":42}""", "must name one")]
    [InlineData("""[1,2]""", "must name one")]
    public async Task DisallowedOrMissingModel_Is403(string body, string detail)
    {
        using var client = _app.CreateClient();
        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "modelled", scopes = new[] { "chat" }, models = new[] { "gpt-4o-mini" } });

        var response = await client.SendAsync(Chat(created.Key, body));

        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task AllowedModel_IsProxied_WithTheWholeBody()
    {
        using var client = _app.CreateClient();
        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "modelled", scopes = new[] { "chat" }, models = new[] { "gpt-4o-mini" } });
        var body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"__PAD__"}]}""".Replace("__PAD__", new string('x', 200_000));

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Chat(created.Key, body)));

        Assert.Equal(["modelled"], echoed.Header(AiAspireHeaders.Tenant));
        Assert.Equal([Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)], echoed.Header("content-length"));
    }

    [Fact]
    public async Task ModelRestrictedKey_WithMalformedJson_Is400Problem()
    {
        using var client = _app.CreateClient();
        var created = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "modelled", scopes = new[] { "chat" }, models = new[] { "gpt-4o-mini" } });

        var response = await client.SendAsync(Chat(created.Key, """{"model":"gpt-4o-mini","""));

        await Proxy.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.InvalidJson);
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task UnrestrictedKey_BodyIsNotInspected()
    {
        using var client = _app.CreateClient();

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Chat(GatewayApp.AcmeKey, "not json at all")));

        Assert.Equal("orchestrator", echoed.Service);
    }

    private static HttpRequestMessage Chat(string key, string json)
    {
        var request = Proxy.Request("GET", "/v1/chat/completions", bearer: key);
        request.Method = HttpMethod.Post;
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Moves a stored key's expiry into the past, as time would, and drops every replica's cached copy.</summary>
    private async Task ExpireInRedisAsync(string id)
    {
        await using var redis = _app.Redis.Connect();
        var db = redis.GetDatabase();
        var key = JsonSerializer.Deserialize((string)(await db.HashGetAsync(RedisApiKeyStore.ById, id))!, GatewayJsonContext.Default.StoredApiKey)!;
        var json = JsonSerializer.Serialize(key with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }, GatewayJsonContext.Default.StoredApiKey);
        await db.StringSetAsync(RedisApiKeyStore.ByDigestPrefix + key.Digest, json);
        await db.HashSetAsync(RedisApiKeyStore.ById, id, json);
        await redis.GetSubscriber().PublishAsync(RedisApiKeyStore.InvalidationChannel, key.Digest);
    }
}

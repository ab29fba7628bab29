using System.Net;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Tests;

/// <summary>API keys at the edge: who may pass, and what the services behind are told about them.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ApiKeyTests
{
    private readonly GatewayApp _app;

    public ApiKeyTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task NoKey_Returns401ProblemWithWwwAuthenticate_AndReachesNoBackend()
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(Proxy.Request("POST", "/v1/chat/completions"));

        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("API key is required", problem.GetProperty("detail").GetString());
        Assert.Empty(_app.AllReceived);
    }

    [Theory]
    [InlineData("Bearer sk-wrong")]
    [InlineData("Bearer " + GatewayApp.DevKey + "x")]
    [InlineData("Bearer " + "SK-TEST-DEV-0123456789")]
    [InlineData("Bearer ")]
    [InlineData("Basic " + GatewayApp.DevKey)]
    [InlineData(GatewayApp.DevKey)]
    public async Task WrongOrMalformedAuthorization_Returns401(string authorization)
    {
        using var client = _app.CreateClient();
        using var request = Proxy.Request("GET", "/v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.SendAsync(request);

        await Proxy.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task WrongApiKeyHeader_Returns401()
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", apiKey: "sk-nope"));

        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains("not valid", problem.GetProperty("detail").GetString());
        Assert.Empty(_app.AllReceived);
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("api-key")]
    public async Task ValidKey_AsBearerOrApiKeyHeader_IsAccepted(string style)
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(style == "bearer"
            ? Proxy.Request("POST", "/v1/chat/completions", bearer: GatewayApp.AcmeKey)
            : Proxy.Request("POST", "/v1/chat/completions", apiKey: GatewayApp.AcmeKey));

        var echoed = await Proxy.AssertProxiedAsync(response);
        Assert.Equal("orchestrator", echoed.Service);
        Assert.Equal([GatewayApp.AcmeTenant], echoed.Header(AiAspireHeaders.Tenant));
    }

    [Fact]
    public async Task BearerSchemeInAnyCase_IsAccepted()
    {
        using var client = _app.CreateClient();
        using var request = Proxy.Request("GET", "/v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", "bEaReR " + GatewayApp.AcmeKey);

        Assert.Equal("orchestrator", (await Proxy.AssertProxiedAsync(await client.SendAsync(request))).Service);
    }

    [Fact]
    public async Task KeyLackingTheRoutesScope_Returns403Problem_AndReachesNoBackend()
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(Proxy.Request("POST", "/v1/retrieve", bearer: GatewayApp.AcmeKey));

        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Contains("'retrieve'", problem.GetProperty("detail").GetString());
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task IdentityHeaders_AreSetFromTheKey()
    {
        using var client = _app.CreateClient();

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey)));

        Assert.Equal([GatewayApp.AcmeTenant], echoed.Header(AiAspireHeaders.Tenant));
        Assert.Equal(["acme"], echoed.Header(AiAspireHeaders.KeyId));
        Assert.Equal(["chat embeddings"], echoed.Header(AiAspireHeaders.Scopes));
    }

    [Fact]
    public async Task DevKey_IsTenantDevWithEveryScope()
    {
        using var client = _app.CreateClient();

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/api/quality/summary", bearer: GatewayApp.DevKey)));

        Assert.Equal([ConfiguredApiKeyStore.DevTenant], echoed.Header(AiAspireHeaders.Tenant));
        Assert.Equal(["dev"], echoed.Header(AiAspireHeaders.KeyId));
        Assert.Equal([string.Join(' ', Scopes.All.Order(StringComparer.Ordinal))], echoed.Header(AiAspireHeaders.Scopes));
    }

    [Fact]
    public async Task SpoofedInternalHeadersInAnyCasing_AreReplaced_TheBackendSeesTheKeysIdentityOnly()
    {
        using var client = _app.CreateClient();
        using var request = Proxy.Request("POST", "/v1/chat/completions", bearer: GatewayApp.AcmeKey);
        request.Headers.TryAddWithoutValidation("X-AiAspire-Tenant", "victim");
        request.Headers.TryAddWithoutValidation("x-aiaspire-tenant", "victim-2");
        request.Headers.TryAddWithoutValidation("x-aiaspire-scopes", "admin");
        request.Headers.TryAddWithoutValidation("X-AIASPIRE-KEY-ID", "root");
        request.Headers.TryAddWithoutValidation("X-Aiaspire-Route", "forged");

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(request));

        Assert.Equal([GatewayApp.AcmeTenant], echoed.Header(AiAspireHeaders.Tenant));
        Assert.Equal(["acme"], echoed.Header(AiAspireHeaders.KeyId));
        Assert.Equal(["chat embeddings"], echoed.Header(AiAspireHeaders.Scopes));
        Assert.Empty(echoed.Header(AiAspireHeaders.Route));
        Assert.Equal(
            [AiAspireHeaders.KeyId, AiAspireHeaders.Scopes, AiAspireHeaders.Tenant],
            echoed.Headers.Keys.Where(k => k.StartsWith(AiAspireHeaders.InternalPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(echoed.Headers.Values.SelectMany(v => v), v => v.Contains("victim") || v == "root" || v == "forged");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task TheBackendNeverSeesTheKey(bool bearer, bool apiKey)
    {
        using var client = _app.CreateClient();

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("POST", "/v1/chat/completions",
            bearer: bearer ? GatewayApp.AcmeKey : null, apiKey: apiKey ? GatewayApp.AcmeKey : null)));

        Assert.Empty(echoed.Header("Authorization"));
        Assert.Empty(echoed.Header("api-key"));
        Assert.DoesNotContain(echoed.Headers.Values.SelectMany(v => v), v => v.Contains(GatewayApp.AcmeKey));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task HealthEndpoints_AnswerWithoutAKey(string path)
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        Assert.Empty(_app.AllReceived);
    }
}

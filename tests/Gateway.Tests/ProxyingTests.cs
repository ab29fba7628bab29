using System.Net;
using System.Text;
using AiAspire.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace AiAspire.Gateway.Tests;

/// <summary>The edge around the proxy: timeouts, body limits, security headers, CORS, correlation, health checks.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ProxyingTests
{
    private readonly GatewayApp _app;

    public ProxyingTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task RouteTimeout_ABackendTooSlow_Is504Problem()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["ReverseProxy:Routes:models:Timeout"] = "00:00:01",
        }));
        using var request = Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey);
        request.Headers.Add("x-test-delay-ms", "5000");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void EveryRoute_HasATimeout()
    {
        var routes = _app.Factory.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes;

        Assert.All(routes, r => Assert.InRange(r.Timeout!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task BodyOverTheRoutesLimit_Is413Problem_AndReachesNoBackend()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["ReverseProxy:Routes:chat-completions:Metadata:MaxRequestBodySize"] = "1000",
        }));
        using var request = Proxy.Request("POST", "/v1/chat/completions", bearer: GatewayApp.AcmeKey);
        request.Content = new StringContent($$"""{"model":"m","messages":[{"role":"user","content":"{{new string('x', 2000)}}"}]}""", Encoding.UTF8, "application/json");

        var response = await client.SendAsync(request);

        await Proxy.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders_AndNotTheBackendsServerHeader()
    {
        using var client = _app.CreateClient();

        var proxied = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey));
        var problem = await client.SendAsync(Proxy.Request("GET", "/v1/models"));

        foreach (var response in new[] { proxied, problem })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Empty(response.Headers.Server);
        }
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
    }

    [Fact]
    public async Task Cors_AllowsOnlyTheConfiguredWebUiOrigins()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:Cors:Origins:0"] = "https://ui.aiaspire.test",
        }));

        var allowed = await client.SendAsync(Preflight("https://ui.aiaspire.test"));
        var refused = await client.SendAsync(Preflight("https://evil.test"));
        using var actual = Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey);
        actual.Headers.Add("Origin", "https://ui.aiaspire.test");
        var response = await client.SendAsync(actual);

        Assert.True(allowed.IsSuccessStatusCode, $"preflight got {(int)allowed.StatusCode}");
        Assert.Equal("https://ui.aiaspire.test", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", allowed.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("https://ui.aiaspire.test", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-ratelimit-remaining-requests", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
        Assert.DoesNotContain(_app.AllReceived, r => r.Method == "OPTIONS");
    }

    [Fact]
    public async Task RequestId_IsSetWhenAbsent_KeptWhenGiven_AndReturned()
    {
        using var client = _app.CreateClient();
        using var given = Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey);
        given.Headers.Add(AiAspireHeaders.RequestId, "req-123");

        var absent = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey));
        var kept = await client.SendAsync(given);

        var generated = Assert.Single(absent.Headers.GetValues(AiAspireHeaders.RequestId));
        Assert.Matches("^[0-9a-f]{32}$", generated);
        Assert.Equal([generated], (await Proxy.AssertProxiedAsync(absent)).Header(AiAspireHeaders.RequestId));
        Assert.Equal("req-123", kept.Headers.GetValues(AiAspireHeaders.RequestId).Single());
        Assert.Equal(["req-123"], (await Proxy.AssertProxiedAsync(kept)).Header(AiAspireHeaders.RequestId));
    }

    [Fact]
    public async Task Traceparent_TheBackendContinuesTheCallersTrace()
    {
        using var client = _app.CreateClient();
        using var request = Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey);
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(request));

        var traceparent = Assert.Single(echoed.Header("traceparent"));
        Assert.Equal(traceId, traceparent.Split('-')[1]);
        Assert.NotEqual("00f067aa0ba902b7", traceparent.Split('-')[2]);
    }

    [Fact]
    public void EveryCluster_HasActiveAndPassiveHealthChecks()
    {
        var clusters = _app.Factory.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters;

        Assert.All(clusters, c =>
        {
            Assert.True(c.HealthCheck?.Active?.Enabled);
            Assert.Equal("/health", c.HealthCheck!.Active!.Path);
            Assert.True(c.HealthCheck.Passive?.Enabled);
        });
    }

    [Fact]
    public async Task ActiveHealthChecks_ProbeEveryBackend()
    {
        for (var i = 0; i < 100 && _app.Backends.Values.Any(b => b.HealthProbes.IsEmpty); i++)
        {
            await Task.Delay(100);
        }

        Assert.All(_app.Backends.Values, b => Assert.NotEmpty(b.HealthProbes));
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}

using System.Net;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace AiAspire.Gateway.Tests;

/// <summary>The public map through the gateway, as DESIGN.md draws it: each path to its service, behind its scope; nothing else.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RouteMapTests
{
    private readonly GatewayApp _app;

    public RouteMapTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    /// <summary>DESIGN.md, "Public map through the gateway": route pattern → cluster and scope.</summary>
    private static readonly Dictionary<string, (string Cluster, string Scope)> DesignedRoutes = new()
    {
        ["/v1/chat/completions"] = ("orchestrator", Scopes.Chat),
        ["/v1/models"] = ("orchestrator", Scopes.Chat),
        ["/api/chat"] = ("orchestrator", Scopes.Chat),
        ["/api/feedback"] = ("orchestrator", Scopes.Chat),
        ["/v1/embeddings"] = ("orchestrator", Scopes.Embeddings),
        ["/v1/retrieve"] = ("ragservice", Scopes.Retrieve),
        ["/api/documents/{**rest}"] = ("ragservice", Scopes.Ingest),
        ["/api/ingestions/{**rest}"] = ("ragservice", Scopes.Ingest),
        ["/v1/guard/{**rest}"] = ("guardrailservice", Scopes.Guard),
        ["/v1/route/explain"] = ("routerservice", Scopes.Chat),
        ["/api/quality/{**rest}"] = ("feedbackworker", Scopes.Quality),
    };

    public static TheoryData<string, string, string, string> PublicRequests => new()
    {
        { "POST", "/v1/chat/completions", "orchestrator", Scopes.Chat },
        { "GET", "/v1/models", "orchestrator", Scopes.Chat },
        { "POST", "/api/chat", "orchestrator", Scopes.Chat },
        { "POST", "/api/feedback", "orchestrator", Scopes.Chat },
        { "POST", "/v1/embeddings", "orchestrator", Scopes.Embeddings },
        { "POST", "/v1/retrieve", "ragservice", Scopes.Retrieve },
        { "POST", "/api/documents", "ragservice", Scopes.Ingest },
        { "GET", "/api/documents?collection=default", "ragservice", Scopes.Ingest },
        { "GET", "/api/documents/doc-1", "ragservice", Scopes.Ingest },
        { "DELETE", "/api/documents/doc-1", "ragservice", Scopes.Ingest },
        { "GET", "/api/ingestions/0a1b2c", "ragservice", Scopes.Ingest },
        { "POST", "/v1/guard/input", "guardrailservice", Scopes.Guard },
        { "POST", "/v1/guard/output", "guardrailservice", Scopes.Guard },
        { "POST", "/v1/route/explain", "routerservice", Scopes.Chat },
        { "GET", "/api/quality/summary", "feedbackworker", Scopes.Quality },
        { "GET", "/api/quality/timeseries?bucket=1h", "feedbackworker", Scopes.Quality },
        { "GET", "/api/quality/models", "feedbackworker", Scopes.Quality },
        { "GET", "/api/quality/alerts", "feedbackworker", Scopes.Quality },
        { "GET", "/api/quality/datasets/export", "feedbackworker", Scopes.Quality },
    };

    [Theory]
    [MemberData(nameof(PublicRequests))]
    public async Task PublicPath_WithItsScope_ReachesItsService_PathAndQueryIntact(string method, string pathAndQuery, string service, string scope)
    {
        using var client = _app.CreateClient();

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request(method, pathAndQuery, bearer: GatewayApp.OnlyKey(scope))));

        Assert.Equal(service, echoed.Service);
        Assert.Equal(method, echoed.Method);
        Assert.Equal(pathAndQuery, echoed.Path + echoed.Query);
        Assert.Equal([$"tenant-only-{scope}"], echoed.Header(AiAspireHeaders.Tenant));
        Assert.Equal([scope], echoed.Header(AiAspireHeaders.Scopes));
    }

    [Theory]
    [MemberData(nameof(PublicRequests))]
    public async Task PublicPath_WithEveryScopeButItsOwn_Returns403(string method, string pathAndQuery, string service, string scope)
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(Proxy.Request(method, pathAndQuery, bearer: GatewayApp.WithoutKey(scope)));

        var problem = await Proxy.AssertProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
        Assert.Contains($"'{scope}'", problem.GetProperty("detail").GetString());
        Assert.Empty(_app.Backends[service].Received);
    }

    [Fact]
    public void ConfiguredRoutes_AreExactlyTheDesignedMap()
    {
        var routes = _app.Factory.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes;

        var configured = routes.ToDictionary(
            r => r.Match.Path ?? "",
            r => (r.ClusterId ?? "", r.Metadata?.GetValueOrDefault(ApiKeyMiddleware.ScopeMetadata) ?? ""));
        Assert.Equal(DesignedRoutes.OrderBy(r => r.Key, StringComparer.Ordinal), configured.OrderBy(r => r.Key, StringComparer.Ordinal));
        Assert.All(routes, r => Assert.Null(r.Match.Methods));
        Assert.All(routes, r => Assert.Null(r.Match.Hosts));
    }

    [Fact]
    public void EveryCluster_HasOneDestination_TheServiceOfItsName()
    {
        var clusters = _app.Factory.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Clusters;

        Assert.Equal(GatewayApp.Clusters.Order(StringComparer.Ordinal), clusters.Select(c => c.ClusterId).Order(StringComparer.Ordinal));
        Assert.Equal(DesignedRoutes.Values.Select(r => r.Cluster).Distinct().Order(StringComparer.Ordinal), GatewayApp.Clusters.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("GET", "/v1/unknown")]
    [InlineData("POST", "/v1/complete")]
    [InlineData("GET", "/v1/chat/completions/extra")]
    [InlineData("GET", "/api/documentsx")]
    [InlineData("GET", "/internal/metrics")]
    public async Task UnknownPath_Returns404_AndReachesNoBackend(string method, string path)
    {
        using var client = _app.CreateClient();

        var response = await client.SendAsync(Proxy.Request(method, path, bearer: GatewayApp.DevKey));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(_app.AllReceived);
    }

    [Fact]
    public async Task UnknownPath_WithoutAKey_Is404ProblemNot401()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync("/v1/unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Headers.WwwAuthenticate);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://aiaspire.dev/problems/not-found", problem.RootElement.GetProperty("type").GetString());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.SharedState;
using Microsoft.Extensions.DependencyInjection;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Resilience;

/// <summary>Latency averages shared between router replicas through Redis, and folded with a replica's own.</summary>
public sealed class SharedLatencyTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static async Task<RouteExplanation> ExplainAsync(HttpClient client, CompletionRequest request)
    {
        using var response = await client.PostAsJsonAsync("/v1/route/explain", request, ContractsJsonContext.Default.CompletionRequest);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RouteExplanation>(JsonSerializerOptions.Web))!;
    }

    [Fact]
    public async Task Explain_LatencyRoute_OnAFreshReplica_UsesWhatAnotherReplicaMeasured()
    {
        var (slow, fast) = ($"slow-{Guid.NewGuid():N}"[..13], $"fast-{Guid.NewGuid():N}"[..13]);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:cache"] = redis.ConnectionString,
            ["Router:LatencyShareInterval"] = "00:00:00.050",
            ["Catalog:Routes:quick:Strategy"] = "latency",
            ["Catalog:Routes:quick:Candidates:0"] = slow,
            ["Catalog:Routes:quick:Candidates:1"] = fast,
        };
        await using var measured = await ResilientRouter.StartAsync([(slow, new ScriptedOpenAIServer(slow)), (fast, new ScriptedOpenAIServer(fast))], settings);
        await using var fresh = await ResilientRouter.StartAsync([(slow, new ScriptedOpenAIServer(slow)), (fast, new ScriptedOpenAIServer(fast))], settings);
        var observations = measured.Services.GetRequiredService<DeploymentObservations>();
        observations.Record(slow, null, 900);
        observations.Record(fast, null, 40);
        using var client = fresh.CreateClient();

        var explanation = await Eventually.MatchesAsync(() => ExplainAsync(client, Ask("quick", "hello")),
            e => e.Candidates.All(c => c.Reason.Contains("other replica", StringComparison.Ordinal)), "the fresh replica read the shared averages");

        Assert.Equal([fast, slow], explanation.Candidates.Select(c => c.Deployment));
        Assert.Equal("average total latency 40 ms over 1 calls (with 1 other replica's)", explanation.Candidates[0].Reason);
        Assert.Equal([40d, 900], explanation.Candidates.Select(c => c.Score!.Value));
    }

    [Fact]
    public void Latency_OwnAndOthers_AreAveragedWeightedByCallsObserved()
    {
        var observations = new DeploymentObservations(new TestOptionsMonitor<RouterOptions>(new RouterOptions { LatencySmoothing = 1 }));
        observations.Record("d", 10, 100);
        observations.Record("d", 10, 100);
        observations.SetOthers("d", [new LatencyEstimate(null, 400, 1), new LatencyEstimate(40, 1_000, 500)]);

        var latency = observations.Latency("d")!;

        // Weights: own 2 calls, 1, and 500 capped at 50.
        Assert.Equal((2 * 100 + 400 + 50 * 1_000) / 53.0, latency.TotalMs, precision: 6);
        Assert.Equal((2 * 10 + 50 * 40) / 52.0, latency.FirstTokenMs!.Value, precision: 6);
        Assert.Equal((503L, 2), (latency.Samples, latency.OtherReplicas));
        Assert.Equal(new LatencyEstimate(10, 100, 2), observations.OwnLatency("d"));
    }

    [Fact]
    public async Task Share_WithoutRedis_KeepsEverythingInProcess()
    {
        await using var router = await ResilientRouter.StartAsync([("a", new ScriptedOpenAIServer("a"))]);

        Assert.False(await router.Services.GetRequiredService<SharedLatency>().ShareAsync(CancellationToken.None));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Quality;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Tests.Resilience;
using AiAspire.TestKit;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

/// <summary>
/// The feedback loop from the router's side: quality scores published to Redis (as the FeedbackWorker writes them)
/// change what the quality strategy picks, and the explanation says so, with the numbers.
/// </summary>
public sealed class QualityLoopTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static async Task<RouteExplanation> ExplainAsync(HttpClient client, CompletionRequest request)
    {
        using var response = await client.PostAsJsonAsync("/v1/route/explain", request, ContractsJsonContext.Default.CompletionRequest);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RouteExplanation>(JsonSerializerOptions.Web))!;
    }

    [Fact]
    public async Task SeededScores_SendTheQualityRouteToTheBetterRatedDeployment_AndTheExplanationShowsTheNumbers()
    {
        await using var router = await ResilientRouter.StartAsync(
            [("strong", new ScriptedOpenAIServer("strong")), ("liked", new ScriptedOpenAIServer("liked"))],
            new()
            {
                ["ConnectionStrings:cache"] = redis.ConnectionString,
                ["Router:QualityRefreshInterval"] = "00:00:00.050",
                ["Router:QualityMinRatings"] = "10",
                ["Catalog:Deployments:strong:Tier"] = "2",
                ["Catalog:Deployments:liked:Tier"] = "1",
                ["Catalog:Routes:rated:Strategy"] = "quality",
                ["Catalog:Routes:rated:Candidates:0"] = "strong",
                ["Catalog:Routes:rated:Candidates:1"] = "liked",
            });
        using var client = router.CreateClient();
        var before = await ExplainAsync(client, Ask("rated", "hello"));

        // tenant-a (the test client's tenant) has rated enough; the global figures disagree and must not decide.
        var snapshot = new RouterQualitySnapshot(DateTimeOffset.UtcNow,
            [Score("strong", 900, 100), Score("liked", 100, 900)],
            new Dictionary<string, IReadOnlyList<ModelQualityScore>> { ["tenant-a"] = [Score("strong", 4, 8), Score("liked", 18, 2)] });
        using (var connection = redis.Connect())
        {
            await connection.GetDatabase().StringSetAsync(RouterQualityScores.RedisKey,
                JsonSerializer.Serialize(snapshot, ContractsJsonContext.Default.RouterQualitySnapshot));
        }
        var after = await Eventually.MatchesAsync(() => ExplainAsync(client, Ask("rated", "hello")),
            e => e.Deployment == "liked", "the router loaded the published scores");
        var answer = await CompleteAsync(client, Ask("rated", "hello"));

        Assert.Equal("strong", before.Deployment);
        Assert.Equal(["tier 2", "tier 1"], before.Candidates.Select(c => c.Reason));
        Assert.Equal([("liked", Math.Round(RouterQualityScores.WilsonLowerBound(18, 2), 4)), ("strong", Math.Round(RouterQualityScores.WilsonLowerBound(4, 8), 4))],
            after.Candidates.Select(c => (c.Deployment, c.Score!.Value)));
        Assert.Equal("measured quality 0.699: Wilson lower bound of 18 up / 2 down from tenant ratings", after.Candidates[0].Reason);
        Assert.Equal("liked", answer.Route.Deployment);
    }

    private static ModelQualityScore Score(string model, long up, long down) => new(model, up, down, RouterQualityScores.WilsonLowerBound(up, down));
}

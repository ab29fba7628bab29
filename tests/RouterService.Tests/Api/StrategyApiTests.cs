using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.Tests.Strategies;
using Microsoft.Extensions.DependencyInjection;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

public sealed class StrategyApiTests(RouterApp app) : IClassFixture<RouterApp>
{
    private static async Task<RouteExplanation> ExplainAsync(HttpClient client, CompletionRequest request)
    {
        using var response = await client.PostAsJsonAsync("/v1/route/explain", request, ContractsJsonContext.Default.CompletionRequest);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RouteExplanation>(JsonSerializerOptions.Web))!;
    }

    [Fact]
    public async Task Complete_RouteWithQualityStrategy_IsServedByTheHigherTier()
    {
        using var client = app.CreateClient();

        var response = await CompleteAsync(client, Ask("tiered", UniqueQuestion()));

        Assert.Equal(("backup", "quality"), (response.Route.Deployment, response.Route.Strategy));
    }

    [Fact]
    public async Task Complete_StrategyHeader_OverridesTheRoutesStrategyForThatRequest()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(RouterHeaders.Strategy, "priority");
        var question = UniqueQuestion();

        var response = await CompleteAsync(client, Ask("tiered", question));

        Assert.Equal(("echo", "priority"), (response.Route.Deployment, response.Route.Strategy));
        Assert.Single(RequestsAbout(app.Echo, question));
    }

    [Fact]
    public async Task Complete_StrategyInTheBody_WinsOverTheHeader()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(RouterHeaders.Strategy, "priority");

        var response = await CompleteAsync(client, Ask("tiered", UniqueQuestion()) with { Strategy = "quality" });

        Assert.Equal(("backup", "quality"), (response.Route.Deployment, response.Route.Strategy));
    }

    [Fact]
    public async Task Complete_UnknownStrategyHeader_Returns400NamingTheKnownStrategies()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(RouterHeaders.Strategy, "fastest-please");

        using var response = await PostAsync(client, Ask("tiered", "hello"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, RouterProblemTypes.UnknownStrategy);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("fastest-please", detail);
        Assert.Contains("least-busy", detail);
        Assert.Contains("complexity", detail);
    }

    [Fact]
    public async Task Complete_JsonAskedOfARouteWhoseDeploymentsDoNotDeclareJson_Returns422NamingTheReason()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();
        var request = Ask("tiered", question) with { ResponseFormat = JsonDocument.Parse("""{"type":"json_object"}""").RootElement };

        using var response = await PostAsync(client, request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, RouterProblemTypes.UnservableRequest);
        Assert.Contains("echo: lacks json", problem.GetProperty("detail").GetString());
        Assert.Empty(RequestsAbout(app.Echo, question));
    }

    [Fact]
    public async Task Complete_PromptLongerThanTheContextWindow_Returns422NamingTheWindow()
    {
        using var client = app.CreateClient();

        using var response = await PostAsync(client, Ask("echo", new string('a', 4 * 9_000)));

        var problem = await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, RouterProblemTypes.UnservableRequest);
        Assert.Contains("context window of 8192", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Complete_UnknownCapability_Returns400ValidationNamingTheKnownOnes()
    {
        using var client = app.CreateClient();

        using var response = await PostAsync(client, Ask("echo", "hello") with { Capabilities = ["telepathy"] });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Contains("capabilities[0] 'telepathy'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Explain_Route_RanksCandidatesWithScoresAndReasonsAndScoresThePromptWithoutCallingAModel()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion(ComplexityStrategyTests.Hard);

        var explanation = await ExplainAsync(client, Ask("tiered", question));

        Assert.Equal(("tiered", "quality", "backup"), (explanation.Route, explanation.Strategy, explanation.Deployment));
        Assert.Equal([("backup", "candidate", 1, 2d), ("echo", "candidate", 2, 1d)],
            explanation.Candidates.Select(c => (c.Deployment, c.Outcome, c.Rank, c.Score)));
        Assert.Equal(["tier 2", "tier 1"], explanation.Candidates.Select(c => c.Reason));
        Assert.True(explanation.EstimatedPromptTokens > question.Length / 4);
        Assert.Equal("hard", explanation.Complexity.Level);
        Assert.Equal(new RouterOptions().ComplexityThreshold, explanation.Complexity.Threshold);
        Assert.Equal(7, explanation.Complexity.Features.Count);
        Assert.Contains(explanation.Complexity.Features, f => f.Name == "code" && f.Value == 1);
        Assert.Empty(RequestsAbout(app.Echo, question));
        Assert.Empty(RequestsAbout(app.Backup, question));
    }

    [Fact]
    public async Task Explain_StrategyHeader_ExplainsThatStrategysDecision()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(RouterHeaders.Strategy, "cost");

        var explanation = await ExplainAsync(client, Ask("tiered", "hello"));

        Assert.Equal("cost", explanation.Strategy);
        Assert.All(explanation.Candidates, c => Assert.StartsWith("estimated $", c.Reason));
    }

    [Fact]
    public async Task Explain_ShortPrompt_ScoresEasyBelowTheThreshold()
    {
        using var client = app.CreateClient();

        var explanation = await ExplainAsync(client, Ask("tiered", "Thanks!"));

        Assert.Equal("easy", explanation.Complexity.Level);
        Assert.True(explanation.Complexity.Score < explanation.Complexity.Threshold);
    }

    [Fact]
    public async Task Complete_Calls_FeedTheLatencyAveragesAndLeaveNothingInFlight()
    {
        using var client = app.CreateClient();
        var observations = app.Factory.Services.GetRequiredService<DeploymentObservations>();

        await CompleteAsync(client, Ask("backup", UniqueQuestion()));
        await StreamAsync(client, Ask("backup", UniqueQuestion()));

        var latency = observations.Latency("backup");
        Assert.NotNull(latency);
        Assert.True(latency.Samples >= 2);
        Assert.NotNull(latency.FirstTokenMs);
        Assert.True(latency.TotalMs > 0);
        Assert.Equal(0, observations.InFlight("backup"));
    }
}

using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using AiAspire.TestKit;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

public sealed class CompleteApiTests(RouterApp app) : IClassFixture<RouterApp>
{
    [Fact]
    public async Task Complete_DeploymentOnAnOpenAICompatibleUpstream_ReturnsItsAnswerUsageCostAndRouteDecision()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var response = await CompleteAsync(client, Ask("echo", question));

        var body = Assert.Single(RequestsAbout(app.Echo, question));
        using var sent = JsonDocument.Parse(body);
        Assert.Equal(RouterApp.EchoModel, sent.RootElement.GetProperty("model").GetString());
        Assert.Equal(FakeOpenAIServer.ReplyTo(question), response.Text);
        Assert.Equal("stop", response.FinishReason);
        // The fake reports prompt tokens as a quarter of the request body and completion tokens as a quarter of the reply, plus one.
        var usage = new TokenUsage(body.Length / 4, response.Text.Length / 4 + 1);
        Assert.Equal(usage, response.Usage);
        Assert.Equal((usage.InputTokens * RouterApp.EchoInputPricePer1M + usage.OutputTokens * RouterApp.EchoOutputPricePer1M) / 1_000_000m, response.CostUsd);
        Assert.Equal(("echo", "echo", RouterApp.EchoModel, ProviderNames.OpenAICompatible, "direct"),
            (response.Route.Route, response.Route.Deployment, response.Route.Model, response.Route.Provider, response.Route.Strategy));
        var attempt = Assert.Single(response.Route.Attempts);
        Assert.Equal(("echo", "ok", null), (attempt.Deployment, attempt.Outcome, attempt.Error));
        Assert.True(attempt.LatencyMs > 0);
    }

    [Fact]
    public async Task Complete_DeploymentNameInOtherCase_IsServedAndReportedUnderTheCatalogsName()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var response = await CompleteAsync(client, Ask("BACKUP", question));

        Assert.Equal(("backup", "backup"), (response.Route.Deployment, response.Route.Model));
        Assert.Equal([("backup", "ok")], response.Route.Attempts.Select(Summary));
        // backup sets no ModelId, so its name is the model id the upstream must receive, spelled as configured.
        using var body = JsonDocument.Parse(Assert.Single(RequestsAbout(app.Backup, question)));
        Assert.Equal("backup", body.RootElement.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData(null, RouterApp.EchoMaxOutputTokens)]
    [InlineData(10, 10)]
    [InlineData(5000, RouterApp.EchoMaxOutputTokens)]
    public async Task Complete_MaxTokens_ReachesTheUpstreamCappedAtTheDeploymentsMaxOutputTokens(int? requested, int sent)
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        await CompleteAsync(client, Ask("echo", question, maxTokens: requested));

        using var body = JsonDocument.Parse(Assert.Single(RequestsAbout(app.Echo, question)));
        Assert.Equal(sent, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_SystemAndConversationMessages_ReachTheUpstreamInOrderWithTheirRoles()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();
        var request = new CompletionRequest(
            [new("system", "Be brief."), new("user", "Hi"), new("assistant", "Hello!"), new("developer", "No emoji."), new("user", question)],
            Model: "echo");

        await CompleteAsync(client, request);

        using var body = JsonDocument.Parse(Assert.Single(RequestsAbout(app.Echo, question)));
        var messages = body.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").ToString()))
            .ToList();
        Assert.Equal(
            [("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello!"), ("system", "No emoji."), ("user", question)],
            messages);
    }

    [Fact]
    public async Task Complete_FirstCandidateFailsWith500_FallsBackToTheSecondAndListsTheErrorThenOk()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var response = await CompleteAsync(client, Ask("resilient", question));

        Assert.Equal(FakeOpenAIServer.ReplyTo(question), response.Text);
        Assert.Equal(("resilient", "backup", "priority"), (response.Route.Route, response.Route.Deployment, response.Route.Strategy));
        Assert.Equal([("broken", "error"), ("backup", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Contains("500", response.Route.Attempts[0].Error);
        Assert.Null(response.Route.Attempts[1].Error);
        Assert.Single(RequestsAbout(app.Backup, question));
    }

    [Fact]
    public async Task Complete_FailingCandidate_IsCalledOnceAndItsOneAttemptIsTheOneRecorded()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var response = await CompleteAsync(client, Ask("resilient", question));

        Assert.Equal("backup", response.Route.Deployment);
        Assert.Single(RequestsAbout(app.Broken, question));
    }

    [Fact]
    public async Task Complete_FirstCandidateFails_FallsBackToTheOfflineModelWhichAnswersFromTheContext()
    {
        using var client = app.CreateClient();
        var request = new CompletionRequest(
            [new("system", ContextPassages.Render([new(1, "handbook/refunds.md", "Refunds are issued within 14 days of the return.")])),
             new("user", "How long do refunds take?")],
            Model: "to-local");

        var response = await CompleteAsync(client, request);

        Assert.Equal("Refunds are issued within 14 days of the return. [1]\n\nSources:\n[1] handbook/refunds.md", response.Text);
        Assert.Equal(("local", ProviderNames.Offline), (response.Route.Deployment, response.Route.Provider));
        Assert.Equal([("broken", "error"), ("local", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Equal(0m, response.CostUsd);
    }

    [Fact]
    public async Task Complete_EveryCandidateFails_Returns502ProblemListingEachAttempt()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        using var response = await PostAsync(client, Ask("doomed", question));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
        var attempts = AttemptsOf(problem);
        Assert.Equal([("broken", "error"), ("broken-too", "error")], attempts.Select(Summary));
        Assert.All(attempts, a => Assert.Contains("500", a.Error));
        Assert.Contains("doomed", problem.GetProperty("detail").GetString());
        Assert.Equal(2, RequestsAbout(app.Broken, question).Count);
    }

    [Fact]
    public async Task Complete_UnknownModel_Returns404UnknownModelProblem()
    {
        using var client = app.CreateClient();

        using var response = await PostAsync(client, Ask("gpt-17-ultra", "hello"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
        Assert.Contains("gpt-17-ultra", problem.GetProperty("detail").GetString());
        Assert.Empty(AttemptsOf(problem));
    }

    [Fact]
    public async Task Complete_RouteWhoseFirstCandidateHasNoKey_SkipsItWithTheReasonWithoutCallingIt()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var response = await CompleteAsync(client, Ask("keyless-first", question));

        Assert.Equal("echo", response.Route.Deployment);
        Assert.Equal(
            [new RouteAttempt("keyless", "skipped", 0, "no API key (set Providers:<name>:ApiKey)")],
            response.Route.Attempts.Take(1));
        Assert.Equal(("echo", "ok"), Summary(response.Route.Attempts[1]));
        // keyless points at the same upstream as echo: one request means keyless was never called.
        Assert.Single(RequestsAbout(app.Echo, question));
    }

    [Fact]
    public async Task Complete_KeylessDeploymentByName_Returns404ProblemWithTheReason()
    {
        using var client = app.CreateClient();

        using var response = await PostAsync(client, Ask("keyless", "hello"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
        Assert.Contains("no API key", problem.GetProperty("detail").GetString());
        Assert.Equal([new RouteAttempt("keyless", "skipped", 0, "no API key (set Providers:<name>:ApiKey)")], AttemptsOf(problem));
    }

    [Fact]
    public async Task Complete_RouteWithNoCallableCandidate_Returns502ProblemWithTheSkips()
    {
        using var client = app.CreateClient();

        using var response = await PostAsync(client, Ask("keyless-only", "hello"));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
        Assert.Equal([("keyless", "skipped")], AttemptsOf(problem).Select(Summary));
    }

    [Fact]
    public async Task Complete_NoModelWithNoProviderKeyConfigured_IsServedOfflineByTheDefaultRoute()
    {
        using var client = app.CreateClient();

        var response = await CompleteAsync(client, Ask(model: null, "How long do refunds take?"));

        Assert.Equal(OfflineChatClient.NoDocumentsAnswer, response.Text);
        Assert.Equal(("auto", "local"), (response.Route.Route, response.Route.Deployment));
        Assert.Equal([("gpt-4o-mini", "skipped"), ("gpt-4o", "skipped"), ("local", "ok")], response.Route.Attempts.Select(Summary));
    }

    [Fact]
    public async Task Complete_WithoutTenantHeader_Returns401ProblemAndCallsNoUpstream()
    {
        using var client = app.CreateClient(tenant: null);
        var question = UniqueQuestion();

        using var response = await PostAsync(client, Ask("echo", question));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Empty(RequestsAbout(app.Echo, question));
    }

    [Theory]
    [InlineData("{\"model\":\"echo\",\"messages\":[")]
    [InlineData("not json at all")]
    [InlineData("{\"messages\":\"hello\"}")]
    [InlineData("null")]
    public async Task Complete_MalformedJson_Returns400InvalidJsonProblem(string body)
    {
        using var client = app.CreateClient();

        using var response = await PostRawAsync(client, "/v1/complete", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.InvalidJson);
    }

    [Fact]
    public async Task Complete_BodyThatIsNotJson_Returns415Problem()
    {
        using var client = app.CreateClient();

        using var response = await PostRawAsync(client, "/v1/complete", "model=echo", "application/x-www-form-urlencoded");

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ProblemTypes.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("""{"model":"echo","messages":[{"role":"user","content":"hi"},{"role":"wizard","content":"hi"}]}""", "messages[1].role")]
    [InlineData("""{"model":"echo","messages":[{"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"echo","messages":[{"role":"user"}]}""", "messages[0].content")]
    [InlineData("""{"model":"echo","messages":[]}""", "messages must hold")]
    [InlineData("""{"model":"echo"}""", "messages must hold")]
    [InlineData("""{"model":"echo","maxTokens":0,"messages":[{"role":"user","content":"hi"}]}""", "maxTokens")]
    [InlineData("""{"model":"echo","temperature":2.5,"messages":[{"role":"user","content":"hi"}]}""", "temperature")]
    [InlineData("""{"model":"echo","topP":-0.1,"messages":[{"role":"user","content":"hi"}]}""", "topP")]
    [InlineData("""{"model":"echo","responseFormat":"json","messages":[{"role":"user","content":"hi"}]}""", "responseFormat")]
    public async Task Complete_InvalidRequest_Returns400ValidationProblemNamingTheField(string body, string field)
    {
        using var client = app.CreateClient();

        using var response = await PostRawAsync(client, "/v1/complete", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Contains(field, problem.GetProperty("detail").GetString());
    }
}

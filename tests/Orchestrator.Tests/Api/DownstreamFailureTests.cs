using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>What each downstream failure becomes: guardrails fail closed, retrieval is optional, the router's errors map to 4xx/5xx.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class DownstreamFailureTests
{
    private readonly OrchestratorApp _app;

    public DownstreamFailureTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GuardrailsAnswer500_Returns503AndNeverCallsTheRouter(bool stream)
    {
        _app.Guardrails.FailWith = 500;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}", stream: stream));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Contains("not sent to a model", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(FakeGuardrailService.Email, problem.GetRawText());
        Assert.NotEmpty(_app.Guardrails.Tenants);
        Assert.Empty(_app.Router.Tenants);
        Assert.Empty(_app.Rag.Tenants);
    }

    [Fact]
    public async Task GuardrailsUnreachable_Returns503AndNeverCallsTheRouter()
    {
        await using var factory = _app.Factory.WithWebHostBuilder(builder =>
            builder.UseSetting("services:guardrailservice:http:0", $"http://127.0.0.1:{ClosedLoopbackPort()}")
                .UseSetting("EventBus:SpillPath", _app.NewSpillPath()));
        using var client = OrchestratorApp.CreateClient(factory);

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}"));

        await Chat.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Empty(_app.Router.Tenants);
    }

    [Fact]
    public async Task GuardrailsRejectTheMessages_Returns400NotA503()
    {
        using var client = _app.CreateClient();
        _app.Guardrails.FailWith = 400;

        var response = await Chat.PostAsync(client, Chat.Request("hi"));

        await Chat.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Empty(_app.Router.Tenants);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RetrievalDown_StillAnswers_WithoutContext(bool stream)
    {
        _app.Rag.FailWith = 500;
        _app.Rag.Chunks = [new RetrievedChunk("d", "d#0", "Never seen.", 0.9, "secret.md", null)];
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}", stream: stream));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(stream ? "data: [DONE]" : "\"content\":", body);
        Assert.NotEmpty(_app.Rag.Tenants);
        var sent = Assert.Single(_app.Router.CompleteRequests);
        Assert.Equal(["user"], sent.Messages.Select(m => m.Role));
        Assert.DoesNotContain("<context>", Assert.Single(_app.Router.CompleteBodies));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RouterKnowsNoSuchModel_Returns404UnknownModelProblem(bool stream)
    {
        _app.Router.Mode = FakeRouterService.Behavior.UnknownModel;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request("hi", stream: stream, model: "gpt-9000"));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
        Assert.Contains("gpt-9000", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task RouterDown_Returns502UpstreamProblem()
    {
        _app.Router.FailWith = 500;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request("hi"));

        await Chat.AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
    }

    [Fact]
    public async Task StreamFailsBeforeItsFirstToken_Returns502Problem_NotAHalfWrittenStream()
    {
        _app.Router.Mode = FakeRouterService.Behavior.FailBeforeFirstToken;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}", stream: true));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
        Assert.Contains("Every deployment of 'default' failed.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("data:", problem.GetRawText());
        Assert.DoesNotContain("chat.completion.chunk", problem.GetRawText());
    }

    [Fact]
    public async Task RouterStreamClosesBeforeAnyEvent_Returns502Problem_NotAnEmpty200()
    {
        _app.Router.Mode = FakeRouterService.Behavior.EmptyStream;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request("hi", stream: true));

        await Chat.AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
    }

    [Theory]
    [InlineData(FakeRouterService.Behavior.EndWithoutDone)]
    [InlineData(FakeRouterService.Behavior.MalformedEvent)]
    public async Task RouterStreamBreaksAfterItStarted_EndsWithAnErrorEvent_NeverDone(FakeRouterService.Behavior mode)
    {
        _app.Router.Mode = mode;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}", stream: true));
        var data = Chat.DataOf(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("[DONE]", data);
        Assert.Equal("upstream_error", JsonDocument.Parse(data[^1]).RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain("<EM", string.Concat(data));
    }

    [Fact]
    public async Task OutputGuardDown_NonStreamed_Returns503AndWithholdsTheMaskedAnswer()
    {
        _app.Guardrails.OutputFailWith = 503;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}"));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.DoesNotContain(FakeGuardrailService.Placeholder, problem.GetRawText());
        Assert.DoesNotContain("write to", problem.GetRawText());
    }

    [Fact]
    public async Task OutputGuardDown_Streamed_ReleasesNothingUncheckedAndEndsWithAnErrorEvent()
    {
        _app.Guardrails.OutputFailWith = 503;
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}", stream: true));
        var body = await response.Content.ReadAsStringAsync();
        var data = Chat.DataOf(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("[DONE]", data);
        Assert.Contains("output guardrails are unavailable", data[^1]);
        Assert.DoesNotContain("EMAIL", body);
        Assert.DoesNotContain(FakeGuardrailService.Email, body);
        Assert.DoesNotContain("Sure, I will write to ", body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InputGuardOutOfScanBudget_Returns503_NotACallerError(bool stream)
    {
        _app.Guardrails.InputProblem = (422, "Text too costly to scan");
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request("An ordinary question", stream: stream));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Contains("not sent to a model", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Empty(_app.Router.Tenants);
    }

    [Theory]
    [InlineData(400, "Invalid request")]
    [InlineData(422, "Some other refusal")]
    public async Task InputGuardValidationError_StaysACallerError(int status, string title)
    {
        _app.Guardrails.InputProblem = (status, title);
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request("An ordinary question"));

        await Chat.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Empty(_app.Router.Tenants);
    }

    [Fact]
    public async Task OutputGuardOutOfScanBudget_NonStreamed_Returns503WithRetryAfter()
    {
        _app.Guardrails.OutputFailWith = 422;
        _app.Guardrails.OutputFailTitle = "Text too costly to scan";
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request($"Mail {FakeGuardrailService.Email}"));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.DoesNotContain(FakeGuardrailService.Placeholder, problem.GetRawText());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
    }

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

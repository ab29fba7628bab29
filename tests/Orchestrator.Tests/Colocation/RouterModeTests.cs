using System.Globalization;
using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Pipeline.Steps;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.TestKit;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>
/// What a chat request sees of the router, specified once and run against both topologies: RouterService over HTTP
/// (<see cref="ServiceRouterTests"/>) and its engine in the orchestrator (<see cref="ColocatedRouterTests"/>).
/// </summary>
public abstract class RouterModeTests(RouterModeApp app)
{
    [Fact]
    public async Task Completion_IsTheUpstreamsAnswer_WithItsUsageAndCost()
    {
        using var client = app.CreateClient();

        using var response = await Chat.PostAsync(client, Chat.Request("hello from the pipeline", model: "echo"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Chat.JsonAsync(response);
        Assert.Equal(FakeOpenAIServer.ReplyTo("hello from the pipeline"), body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("echo", body.GetProperty("model").GetString());
        Assert.Equal("echo", Chat.Header(response, AiAspireHeaders.Model));
        Assert.Equal("echo;strategy=direct;attempts=1", Chat.Header(response, AiAspireHeaders.Route));
        var usage = body.GetProperty("usage");
        var input = usage.GetProperty("prompt_tokens").GetInt32();
        var output = usage.GetProperty("completion_tokens").GetInt32();
        Assert.True(input > 0 && output > 0, usage.ToString());
        var cost = (input * RouterModeApp.EchoInputPricePer1M + output * RouterModeApp.EchoOutputPricePer1M) / 1_000_000m;
        Assert.Equal(cost.ToString("0.########", CultureInfo.InvariantCulture), Chat.Header(response, AiAspireHeaders.Cost));
    }

    [Fact]
    public async Task StreamedCompletion_IsTheUpstreamsAnswer_InDeltas()
    {
        using var client = app.CreateClient();

        using var response = await Chat.PostAsync(client, Chat.Request("stream this back to me", stream: true, includeUsage: true, model: "echo"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("echo", Chat.Header(response, AiAspireHeaders.Model));
        var data = Chat.DataOf(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", data[^1]);
        var chunks = data[..^1].Select(d => JsonDocument.Parse(d).RootElement).ToList();
        var text = string.Concat(chunks
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var content) ? content.GetString() : null));
        Assert.Equal(FakeOpenAIServer.ReplyTo("stream this back to me"), text);
        Assert.Contains(chunks, c => c.GetProperty("choices").GetArrayLength() > 0
            && c.GetProperty("choices")[0].TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String);
        var usage = chunks.Last(c => c.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object).GetProperty("usage");
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0, usage.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Route_FallsBackToItsSecondDeployment_AfterA5xx(bool stream)
    {
        using var client = app.CreateClient();
        var brokenCalls = app.Broken.RequestBodies.Count;

        using var response = await Chat.PostAsync(client, Chat.Request($"fall back (stream {stream})", stream: stream, model: "resilient"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("backup", Chat.Header(response, AiAspireHeaders.Model));
        Assert.Equal("resilient;strategy=priority;attempts=2", Chat.Header(response, AiAspireHeaders.Route));
        Assert.True(app.Broken.RequestBodies.Count > brokenCalls);
        Assert.Contains(FakeOpenAIServer.ReplyTo($"fall back (stream {stream})").Replace("\"", "\\\"", StringComparison.Ordinal)[..10], body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnknownModel_IsTheRoutersNotFoundProblem(bool stream)
    {
        using var client = app.CreateClient();

        using var response = await Chat.PostAsync(client, Chat.Request("anyone there?", stream: stream, model: "no-such-model"));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
        Assert.Equal("Unknown model 'no-such-model'. GET /v1/models lists the models and aliases you can use.", problem.GetProperty("detail").GetString());
        Assert.Equal("Model not available", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryDeploymentFailing_IsA502(bool stream)
    {
        using var client = app.CreateClient();

        using var response = await Chat.PostAsync(client, Chat.Request("nobody can answer", stream: stream, model: "doomed"));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
        Assert.Equal("No model could answer: Every deployment of 'doomed' failed.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task StreamBrokenAfterItStarted_EndsWithTheRoutersErrorEvent()
    {
        using var client = app.CreateClient();

        using var response = await Chat.PostAsync(client, Chat.Request("start and break", stream: true, model: "cut"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cut", Chat.Header(response, AiAspireHeaders.Model));
        var data = Chat.DataOf(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("[DONE]", data);
        var error = JsonDocument.Parse(data[^1]).RootElement.GetProperty("error");
        Assert.Equal("upstream_error", error.GetProperty("type").GetString());
        Assert.StartsWith("The stream from cut broke after it started: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestWithTools_NeedsADeploymentThatCanCallThem()
    {
        using var client = app.CreateClient();
        const string request = """
            {"model":"echo","messages":[{"role":"user","content":"look it up"}],
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}}}]}
            """;

        using var response = await Chat.PostAsync(client, request);

        // echo's catalog entry lists no capabilities: the orchestrator asks for "tools", the router refuses to plan it.
        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, RouterProblemTypes.UnservableRequest);
        Assert.StartsWith("Model 'echo' cannot serve this request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Echo.RequestBodies, body => body.Contains("look it up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ModelList_IsTheRouters()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = (await Chat.JsonAsync(response)).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(["doomed", "resilient"], ids.Where(id => id is "doomed" or "resilient").Order(StringComparer.Ordinal));
        Assert.Contains("echo", ids);
        Assert.Contains("local", ids); // the engine's default catalog reached this router too
        Assert.DoesNotContain("gpt-4o", ids); // no key: not callable, not listed
    }

    [Fact]
    public async Task ContextWindow_FromTheRoutersModelList_BoundsThePrompt()
    {
        using var client = app.CreateClient();
        var prompt = string.Join(' ', Enumerable.Repeat("tokens", 100));

        using var fits = await Chat.PostAsync(client, Chat.Request(prompt, model: "echo"));
        using var overflows = await Chat.PostAsync(client, Chat.Request(prompt, model: "tiny"));

        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        var problem = await Chat.AssertProblemAsync(overflows, HttpStatusCode.BadRequest, TokenBudgetStep.ProblemType);
        Assert.Equal(RouterModeApp.TinyContextWindow, problem.GetProperty("contextWindow").GetInt32());
    }
}

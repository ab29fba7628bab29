using System.Net;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Caching;
using AiAspire.Orchestrator.Tests.Fakes;

namespace AiAspire.Orchestrator.Tests.Streaming;

/// <summary>
/// <c>POST /api/chat</c> with <c>"stream": true</c>: delta events, then one done event carrying what a web UI shows;
/// memory is written only for a whole answer; a disconnect cancels the model call; a failure ends with an error event.
/// </summary>
[Collection(ScriptedCollection.Name)]
public sealed class ChatStreamTests
{
    private readonly ScriptedApp _app;

    public ChatStreamTests(ScriptedApp app)
    {
        _app = app;
        app.Reset();
    }

    private static StringContent Body(string message, string? conversationId = null, bool stream = true) =>
        new(JsonSerializer.Serialize(new { conversationId, message, rag = "off", stream }), Encoding.UTF8, "application/json");

    /// <summary>(event name, data) of each server-sent event; comments are skipped as SSE clients skip them.</summary>
    private static List<(string Event, JsonElement Data)> EventsOf(string body) =>
        [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Where(block => !block.StartsWith(':')).Select(block =>
        {
            var lines = block.Split('\n');
            var name = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            return (name, JsonDocument.Parse(data).RootElement.Clone());
        })];

    private string _lastBody = "";

    private async Task<(HttpResponseMessage Response, List<(string Event, JsonElement Data)> Events)> ChatAsync(HttpClient client, string message, string? conversationId = null)
    {
        var response = await client.PostAsync("/api/chat", Body(message, conversationId));
        var body = _lastBody = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return (response, EventsOf(body));
    }

    [Fact]
    public async Task Stream_SendsDeltasThenOneDoneEvent_WithIdsRouteUsageCostCacheAndMaskedPii()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());

        var (response, events) = await ChatAsync(client, $"Write to {FakeGuardrailService.Email}");

        Assert.All(events[..^1], e => Assert.Equal("delta", e.Event));
        Assert.Equal(_app.Router.Answer, string.Concat(events[..^1].Select(e => e.Data.GetProperty("text").GetString())));
        var (name, done) = events[^1];
        Assert.Equal("done", name);
        Assert.StartsWith("conv-", done.GetProperty("conversationId").GetString(), StringComparison.Ordinal);
        Assert.Equal(Chat.RequestId(response), done.GetProperty("responseId").GetString());
        Assert.Equal("default", done.GetProperty("route").GetString());
        Assert.Equal(ScriptedRouterService.Deployment, done.GetProperty("model").GetString());
        Assert.Equal(20, done.GetProperty("promptTokens").GetInt32());
        Assert.Equal(5, done.GetProperty("completionTokens").GetInt32());
        Assert.Equal(ScriptedRouterService.CostUsd, done.GetProperty("costUsd").GetDecimal());
        Assert.Equal("miss", done.GetProperty("cache").GetString());
        Assert.Equal(["EMAIL"], done.GetProperty("maskedPii").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(ScriptedRouterService.Deployment, Chat.Header(response, AiAspireHeaders.Model));
        Assert.Contains(": aiaspire-usage {\"prompt_tokens\":20,\"completion_tokens\":5,\"total_tokens\":25,\"cost_usd\":0.002}\n\nevent: done", _lastBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_TurnIsRemembered_ForTheNextTurn()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        var (_, first) = await ChatAsync(client, "What is the answer?");
        var conversationId = first[^1].Data.GetProperty("conversationId").GetString();

        var (_, second) = await ChatAsync(client, "Are you sure?", conversationId);

        Assert.Equal("done", second[^1].Event);
        var sent = _app.Router.Requests.Last().Messages;
        Assert.Equal(["user", "assistant", "user"], sent.Select(m => m.Role));
        Assert.Equal("What is the answer?", sent[0].Content);
        Assert.Equal(_app.Router.Answer, sent[1].Content);
    }

    [Fact]
    public async Task Stream_BrokenMidway_EndsWithAnErrorEvent_AndIsNotRemembered()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Router.FailAfter = 1;

        var (response, events) = await ChatAsync(client, "Tell me everything");

        Assert.Equal("delta", events[0].Event);
        var (name, error) = events[^1];
        Assert.Equal("error", name);
        Assert.Equal(ProblemTypes.UpstreamFailed, error.GetProperty("type").GetString());
        Assert.Equal(Chat.RequestId(response), error.GetProperty("responseId").GetString());
        Assert.DoesNotContain(events, e => e.Event == "done");
    }

    [Fact]
    public async Task Stream_RouterRefusesBeforeStarting_IsAProblemResponse()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Router.FailWith = 500;

        var response = await client.PostAsync("/api/chat", Body("Anyone there?"));

        await Chat.AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
    }

    [Fact]
    public async Task Stream_ClientDisconnect_CancelsTheModelCall()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Router.StallAfterFirstDelta = true;
        // The first delta ends a sentence, so it is a whole window the output guard releases before the stall.
        _app.Router.Deltas = ["Let me think. ", "Still thinking"];

        using (var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/chat") { Content = Body("Take your time") },
            HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
        }

        await _app.Router.CallerWentAway.Task.WaitAsync(Eventually.DefaultTimeout);
    }

    [Fact]
    public async Task NotStreamed_StillAnswersWithJson()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());

        var response = await client.PostAsync("/api/chat", Body("Plain please", stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_app.Router.Answer, (await Chat.JsonAsync(response)).GetProperty("answer").GetString());
    }
}

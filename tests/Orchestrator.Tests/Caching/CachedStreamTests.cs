using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Fakes;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>A cached answer asked for as a stream streams like a live one; a streamed answer is cached once it completes.</summary>
[Collection(ScriptedCollection.Name)]
public sealed class CachedStreamTests
{
    private readonly ScriptedApp _app;

    public CachedStreamTests(ScriptedApp app)
    {
        _app = app;
        app.Reset();
        app.Router.Deltas = ["A cached answer ", "that is long enough to come ", "back in several pieces."];
    }

    private static async Task<(HttpResponseMessage Response, List<string> Data)> StreamAsync(HttpClient client, string json)
    {
        var response = await Ask.PostAsync(client, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return (response, Chat.DataOf(body));
    }

    /// <summary>Two sentences: two windows of the output guard, so a live stream has more than one content chunk.</summary>
    private static readonly string[] MultiSentenceAnswer = ["The answer is forty-two. ", "Ask again ", "any time."];

    /// <summary>Role chunk, content chunks, one finish chunk, the usage chunk, [DONE] — what a live stream sends.</summary>
    private void AssertLiveShape(HttpResponseMessage response, List<string> data)
    {
        Assert.Equal("[DONE]", data[^1]);
        Assert.Single(data, d => d == "[DONE]");
        var chunks = Ask.Chunks(data);
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        Assert.True(withChoices.Count(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) && t.GetString()!.Length > 0) > 1,
            "the answer comes in several content chunks (one per window the output guard checked)");
        Assert.Equal(_app.Router.Answer, Ask.ContentOf(chunks));
        Assert.Equal("stop", Assert.Single(withChoices, c => c.GetProperty("choices")[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
            .GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(25, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.All(chunks, c => Assert.Equal(Chat.RequestId(response), c.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task ExactHit_RequestedAsAStream_StreamsLikeALiveAnswer()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Router.Deltas = MultiSentenceAnswer;
        const string question = "Which answer is cached?";
        var (live, liveData) = await StreamAsync(client, Ask.Json(question, stream: true, includeUsage: true));

        var (cached, cachedData) = await StreamAsync(client, Ask.Json(question, stream: true, includeUsage: true));

        Assert.Equal("miss", Chat.Header(live, AiAspireHeaders.Cache));
        Assert.Equal("exact", Chat.Header(cached, AiAspireHeaders.Cache));
        Assert.Single(_app.Router.Requests);
        AssertLiveShape(live, liveData);
        AssertLiveShape(cached, cachedData);
        Assert.Equal(ScriptedRouterService.Deployment, Chat.Header(cached, AiAspireHeaders.Model));
    }

    [Fact]
    public async Task SemanticHit_RequestedAsAStream_StreamsLikeALiveAnswer()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Router.Deltas = MultiSentenceAnswer;
        await Ask.AskAsync(client, Ask.Json("How do I get a refund for my order?"));

        var (response, data) = await StreamAsync(client, Ask.Json("how do i obtain a reimbursement for my order", stream: true, includeUsage: true));

        Assert.Equal("semantic", Chat.Header(response, AiAspireHeaders.Cache));
        AssertLiveShape(response, data);
        Assert.Single(_app.Router.Requests);
    }

    [Fact]
    public async Task StreamedAnswer_IsCachedOnceComplete_ForLaterNonStreamedRequests()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        const string question = "Stream this first, please";
        await StreamAsync(client, Ask.Json(question, stream: true));

        var (answer, cache) = await Ask.AskAsync(client, Ask.Json(question));

        Assert.Equal("exact", cache);
        Assert.Equal(_app.Router.Answer, answer);
        Assert.Single(_app.Router.Requests);
    }

    [Fact]
    public async Task BrokenStream_IsNotCached()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        const string question = "This stream breaks";
        _app.Router.FailAfter = 1;
        var (_, data) = await StreamAsync(client, Ask.Json(question, stream: true));
        Assert.Contains("error", data[^1], StringComparison.Ordinal);
        _app.Router.FailAfter = null;

        var (_, cache) = await Ask.AskAsync(client, Ask.Json(question));

        Assert.Equal("miss", cache);
        Assert.Equal(2, _app.Router.Requests.Count);
    }
}

using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Streaming;
using AiAspire.Orchestrator.Tests.Fakes;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>Streamed chat completions: OpenAI chunks, unmasked across placeholders the router cut in pieces.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class StreamingTests
{
    private readonly OrchestratorApp _app;

    public StreamingTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    private static string UnmaskedAnswer => $"Sure, I will write to {FakeGuardrailService.Email} today.";

    private async Task<(HttpResponseMessage Response, List<string> Data)> StreamAsync(bool includeUsage)
    {
        using var client = _app.CreateClient();
        var response = await Chat.PostAsync(client, Chat.Request($"Write to {FakeGuardrailService.Email}", stream: true, includeUsage: includeUsage));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return (response, Chat.DataOf(await response.Content.ReadAsStringAsync()));
    }

    private static List<JsonElement> Chunks(List<string> data) =>
        [.. data.Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement)];

    [Fact]
    public async Task Stream_ReassemblesToTheUnmaskedAnswer_AcrossPlaceholdersSplitBetweenDeltas()
    {
        var (_, data) = await StreamAsync(includeUsage: false);

        var content = string.Concat(Chunks(data)
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var text) ? text.GetString() : ""));
        Assert.Equal(UnmaskedAnswer, content);
        Assert.DoesNotContain(FakeGuardrailService.Placeholder, string.Concat(data));
        Assert.DoesNotContain("<EM", string.Concat(data));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StopSequence_TheModelIgnored_CutsTheAnswerBeforeIt_StreamedOrNot(bool stream)
    {
        // The fake model never honours stop sequences; the format step does.
        using var client = _app.CreateClient("tenant-stop");
        var request = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = "default",
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = $"Write to {FakeGuardrailService.Email}" } },
            ["stop"] = new[] { " today", "never-there" },
            ["stream"] = stream,
        });

        var response = await Chat.PostAsync(client, request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string content;
        string? finish;
        if (stream)
        {
            var chunks = Chunks(Chat.DataOf(await response.Content.ReadAsStringAsync())).Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
            content = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
                .Select(d => d.TryGetProperty("content", out var text) ? text.GetString() : ""));
            finish = chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString();
        }
        else
        {
            var choice = (await Chat.JsonAsync(response)).GetProperty("choices")[0];
            content = choice.GetProperty("message").GetProperty("content").GetString()!;
            finish = choice.GetProperty("finish_reason").GetString();
        }
        Assert.Equal($"Sure, I will write to {FakeGuardrailService.Email}", content);
        Assert.Equal("stop", finish);
    }

    [Fact]
    public async Task Stream_StartsWithTheAssistantRole_EndsWithStopThenDone()
    {
        var (response, data) = await StreamAsync(includeUsage: false);
        var chunks = Chunks(data);

        Assert.Equal("[DONE]", data[^1]);
        Assert.Single(data, d => d == "[DONE]");
        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.All(chunks.Skip(1), c => Assert.False(c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _)));
        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Single(chunks, c => c.GetProperty("choices")[0].TryGetProperty("finish_reason", out _));
        Assert.All(chunks, c =>
        {
            Assert.Equal(Chat.RequestId(response), c.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal(FakeRouterService.Deployment, c.GetProperty("model").GetString());
            Assert.False(c.TryGetProperty("usage", out _));
        });
        Assert.Equal("default;strategy=priority;attempts=2", Chat.Header(response, AiAspireHeaders.Route));
        Assert.Equal(FakeRouterService.Deployment, Chat.Header(response, AiAspireHeaders.Model));
    }

    [Fact]
    public async Task Stream_IncludeUsage_AddsAUsageChunkWithNoChoicesBeforeDone()
    {
        var (_, data) = await StreamAsync(includeUsage: true);
        var chunks = Chunks(data);

        Assert.Equal("[DONE]", data[^1]);
        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(42, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(49, usage.GetProperty("total_tokens").GetInt32());
        Assert.Single(chunks, c => c.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task Stream_RouterGetsTheMaskedConversation_AndTheOutputGuardEveryWindowOfOneStream()
    {
        await StreamAsync(includeUsage: false);

        var body = Assert.Single(_app.Router.CompleteBodies);
        Assert.DoesNotContain(FakeGuardrailService.Email, body);
        Assert.True(Assert.Single(_app.Router.CompleteRequests).Stream);
        var windows = _app.Guardrails.OutputRequests.ToList();
        Assert.NotEmpty(windows);
        Assert.Equal(FakeRouterService.Answer, string.Concat(windows.Select(w => w.Text)));
        Assert.All(windows, window =>
        {
            Assert.Equal(PlaceholderSplitter.SafeLength(window.Text), window.Text.Length);
            Assert.Equal(FakeGuardrailService.VaultId, window.VaultId);
            Assert.Null(window.Schema);
        });
        Assert.Single(windows.Select(w => w.StreamId).Distinct());
        Assert.StartsWith("orch-", windows[0].StreamId, StringComparison.Ordinal);
        Assert.True(windows[^1].Final);
        Assert.All(windows.SkipLast(1), w => Assert.False(w.Final));
        Assert.Single(windows, w => w.Text.Contains(FakeGuardrailService.Placeholder, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_NothingMasked_IsStillCheckedInWindows_WithoutAVault()
    {
        using var client = _app.CreateClient();

        var response = await Chat.PostAsync(client, Chat.Request("Nothing personal here", stream: true));
        var data = Chat.DataOf(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[DONE]", data[^1]);
        var windows = _app.Guardrails.OutputRequests.ToList();
        Assert.Equal(FakeRouterService.Answer, string.Concat(windows.Select(w => w.Text)));
        Assert.All(windows, w => Assert.Null(w.VaultId));
        Assert.True(windows[^1].Final);
        var content = string.Concat(Chunks(data)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var text) ? text.GetString() : ""));
        Assert.Equal(FakeRouterService.Answer, content);
    }
}

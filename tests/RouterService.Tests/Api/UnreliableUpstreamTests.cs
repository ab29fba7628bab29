using AiAspire.Contracts.Router;
using AiAspire.RouterService.Offline;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

public sealed class UnreliableUpstreamTests(UnreliableUpstreamApp app) : IClassFixture<UnreliableUpstreamApp>
{
    private static readonly double TimeoutMs = UnreliableUpstreamApp.AttemptTimeout.TotalMilliseconds;

    [Fact]
    public async Task Complete_CandidateSilentPastTheAttemptTimeout_IsRecordedAsTimedOutAndTheNextAnswers()
    {
        using var client = app.CreateClient();

        var response = await CompleteAsync(client, Ask("stall-then-local", "How long do refunds take?"));

        Assert.Equal(OfflineChatClient.NoDocumentsAnswer, response.Text);
        Assert.Equal([("stalling", "error"), ("local", "ok")], response.Route.Attempts.Select(Summary));
        var timedOut = response.Route.Attempts[0];
        Assert.Equal("timed out", timedOut.Error);
        Assert.InRange(timedOut.LatencyMs, TimeoutMs * 0.9, TimeoutMs + 10_000);
    }

    [Fact]
    public async Task Stream_CandidateSilentPastTheAttemptTimeout_FallsBackBeforeAnyTokenIsSent()
    {
        using var client = app.CreateClient();

        var events = await StreamAsync(client, Ask("stall-then-local", "How long do refunds take?"));

        var start = Assert.Single(events, e => e.Type == CompletionStreamEvent.Start);
        Assert.Equal("local", start.Route?.Deployment);
        Assert.Equal(CompletionStreamEvent.Done, events[^1].Type);
        Assert.Equal([("stalling", "error"), ("local", "ok")], events[^1].Route!.Attempts.Select(Summary));
        Assert.Equal("timed out", events[^1].Route!.Attempts[0].Error);
        Assert.Equal(OfflineChatClient.NoDocumentsAnswer,
            string.Concat(events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text)));
    }

    [Fact]
    public async Task Stream_CandidateBreakingAfterItsFirstTokens_EndsWithAnErrorEventAndDoesNotFallBack()
    {
        using var client = app.CreateClient();

        var events = await StreamAsync(client, Ask("break-then-local", "Tell me everything."));

        Assert.Equal(
            [CompletionStreamEvent.Start, .. MisbehavingOpenAIServer.ChunksBeforeTheBreak.Select(_ => CompletionStreamEvent.Delta), CompletionStreamEvent.Failed],
            events.Select(e => e.Type));
        Assert.Equal("halting", events[0].Route?.Deployment);
        Assert.Equal(string.Concat(MisbehavingOpenAIServer.ChunksBeforeTheBreak),
            string.Concat(events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text)));
        var failed = events[^1];
        Assert.Contains("halting", failed.Error);
        Assert.Equal([("halting", "error")], failed.Route!.Attempts.Select(Summary));
    }
}

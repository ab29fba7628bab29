using System.Net;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.TestKit;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

public sealed class StreamingApiTests(RouterApp app) : IClassFixture<RouterApp>
{
    private static string Deltas(IReadOnlyList<CompletionStreamEvent> events) =>
        string.Concat(events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text));

    [Fact]
    public async Task Stream_Deployment_SendsOneStartWithTheRouteThenDeltasOfTheAnswerThenOneDoneWithUsage()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var events = await StreamAsync(client, Ask("echo", question));

        Assert.Equal(CompletionStreamEvent.Start, events[0].Type);
        Assert.Equal(CompletionStreamEvent.Done, events[^1].Type);
        Assert.All(events.Skip(1).SkipLast(1), e => Assert.Equal(CompletionStreamEvent.Delta, e.Type));
        Assert.True(events.Count > 3, "the fake streams its reply in several chunks");
        Assert.Equal(FakeOpenAIServer.ReplyTo(question), Deltas(events));

        var start = events[0].Route!;
        Assert.Equal(("echo", "echo", RouterApp.EchoModel, ProviderNames.OpenAICompatible, "direct"),
            (start.Route, start.Deployment, start.Model, start.Provider, start.Strategy));
        Assert.Equal([("echo", "ok")], start.Attempts.Select(Summary));

        var done = events[^1];
        var body = Assert.Single(RequestsAbout(app.Echo, question));
        // Usage is the upstream's own (the fake's quarter-of-the-body count), not the router's estimate.
        var usage = new TokenUsage(body.Length / 4, FakeOpenAIServer.ReplyTo(question).Length / 4 + 1);
        Assert.Equal(usage, done.Usage);
        Assert.Equal("stop", done.FinishReason);
        Assert.Equal((usage.InputTokens * RouterApp.EchoInputPricePer1M + usage.OutputTokens * RouterApp.EchoOutputPricePer1M) / 1_000_000m, done.CostUsd);
        Assert.Equal("echo", done.Route?.Deployment);
    }

    [Fact]
    public async Task Stream_FirstCandidateFailsBeforeItsFirstToken_FallsBackAndStartsOnceOnTheSecond()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        var events = await StreamAsync(client, Ask("resilient", question));

        var start = Assert.Single(events, e => e.Type == CompletionStreamEvent.Start);
        Assert.Equal("backup", start.Route?.Deployment);
        Assert.Equal([("broken", "error"), ("backup", "ok")], start.Route!.Attempts.Select(Summary));
        Assert.Equal(FakeOpenAIServer.ReplyTo(question), Deltas(events));
        var done = events[^1];
        Assert.Equal(CompletionStreamEvent.Done, done.Type);
        Assert.Equal([("broken", "error"), ("backup", "ok")], done.Route!.Attempts.Select(Summary));
        Assert.Contains("500", done.Route.Attempts[0].Error);
        Assert.DoesNotContain(events, e => e.Type == CompletionStreamEvent.Failed);
        Assert.Single(RequestsAbout(app.Broken, question));
    }

    [Fact]
    public async Task Stream_EveryCandidateFails_SendsOnlyAnErrorEventListingEachAttempt()
    {
        using var client = app.CreateClient();

        var events = await StreamAsync(client, Ask("doomed", UniqueQuestion()));

        var failed = Assert.Single(events);
        Assert.Equal(CompletionStreamEvent.Failed, failed.Type);
        Assert.Contains("doomed", failed.Error);
        Assert.Equal([("broken", "error"), ("broken-too", "error")], failed.Route!.Attempts.Select(Summary));
    }

    [Fact]
    public async Task Stream_OfflineModel_DeltasConcatenateToTheNonStreamedAnswer()
    {
        using var client = app.CreateClient();
        var request = new CompletionRequest(
            [new("system", ContextPassages.Render([new(1, "handbook/refunds.md", "Refunds are issued within 14 days of the return. Store credit never expires.")])),
             new("user", "How long do refunds take?")],
            Model: "local");

        var whole = await CompleteAsync(client, request);
        var events = await StreamAsync(client, request);

        Assert.Equal(whole.Text, Deltas(events));
        Assert.Equal(whole.Usage, events[^1].Usage);
        Assert.Equal("stop", events[^1].FinishReason);
    }

    [Fact]
    public async Task Stream_OfflineModelCutByMaxTokens_EndsWithFinishReasonLength()
    {
        using var client = app.CreateClient();
        var request = new CompletionRequest(
            [new("system", ContextPassages.Render([new(1, "handbook/refunds.md", "Refunds are issued within 14 days of the return.")])),
             new("user", "How long do refunds take?")],
            Model: "local",
            MaxTokens: 4);

        var events = await StreamAsync(client, request);

        Assert.Equal("length", events[^1].FinishReason);
        Assert.True(Deltas(events).Length <= 16, Deltas(events));
    }

    [Fact]
    public async Task Stream_UnknownModel_Returns404ProblemInsteadOfAStream()
    {
        using var client = app.CreateClient();

        using var response = await PostAsync(client, Ask("gpt-17-ultra", "hello") with { Stream = true });

        await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
    }

    [Fact]
    public async Task Stream_WithoutTenantHeader_Returns401Problem()
    {
        using var client = app.CreateClient(tenant: null);

        using var response = await PostAsync(client, Ask("echo", "hello") with { Stream = true });

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }
}

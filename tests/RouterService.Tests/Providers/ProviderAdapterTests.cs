using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Tests.Resilience;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>The Anthropic and Azure OpenAI adapters, end to end against fakes of each provider's HTTP protocol.</summary>
public sealed class ProviderAdapterTests
{
    private const string Key = "sk-test";

    private static string Deltas(IEnumerable<CompletionStreamEvent> events) =>
        string.Concat(events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text));

    [Fact]
    public async Task Complete_Anthropic_AnswersWithTheProvidersUsageAndTheCatalogsPrice()
    {
        var claude = new FakeAnthropicServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude)], new()
        {
            ["Catalog:Deployments:claude:ModelId"] = "claude-sonnet-test",
            ["Catalog:Deployments:claude:MaxOutputTokens"] = "300",
            ["Catalog:Deployments:claude:InputPricePer1M"] = "3",
            ["Catalog:Deployments:claude:OutputPricePer1M"] = "15",
        });
        using var client = router.CreateClient();
        var request = new CompletionRequest([new("system", "Be brief."), new("user", "How long do refunds take?")], Model: "claude", MaxTokens: 1_000);

        var response = await CompleteAsync(client, request);

        Assert.Equal(FakeAnthropicServer.ReplyTo("How long do refunds take?"), response.Text);
        Assert.Equal(("claude", "claude-sonnet-test", ProviderNames.Anthropic), (response.Route.Deployment, response.Route.Model, response.Route.Provider));
        Assert.Equal(new TokenUsage(FakeAnthropicServer.InputTokens, FakeAnthropicServer.OutputTokens), response.Usage);
        Assert.Equal((FakeAnthropicServer.InputTokens * 3m + FakeAnthropicServer.OutputTokens * 15m) / 1_000_000m, response.CostUsd);
        Assert.Equal("stop", response.FinishReason);
        var body = Assert.Single(claude.Bodies);
        Assert.Equal("claude-sonnet-test", body.GetProperty("model").GetString());
        Assert.Equal(300, body.GetProperty("max_tokens").GetInt32());
        Assert.Contains("Be brief.", body.GetProperty("system").ToString());
        Assert.All(body.GetProperty("messages").EnumerateArray(), m => Assert.NotEqual("system", m.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Stream_Anthropic_DeltasMakeTheAnswerAndUsageComesFromTheStream()
    {
        var claude = new FakeAnthropicServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude)]);
        using var client = router.CreateClient();

        var events = await StreamAsync(client, Ask("claude", "stream me"));

        Assert.Equal(CompletionStreamEvent.Start, events[0].Type);
        Assert.Equal(FakeAnthropicServer.ReplyTo("stream me"), Deltas(events));
        Assert.True(events.Count(e => e.Type == CompletionStreamEvent.Delta) > 1);
        Assert.Equal(CompletionStreamEvent.Done, events[^1].Type);
        Assert.Equal(new TokenUsage(FakeAnthropicServer.InputTokens, FakeAnthropicServer.OutputTokens), events[^1].Usage);
    }

    [Fact]
    public async Task Complete_AnthropicOverloaded529_IsRetriedOnTheSameDeployment()
    {
        var claude = new FakeAnthropicServer(Key) { Script = n => n == 1 ? new Fault(529) : Fault.None };
        await using var router = await ResilientRouter.StartAsync([("claude", claude)]);
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.Equal([("claude", "error"), ("claude", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Contains("529", response.Route.Attempts[0].Error);
    }

    [Fact]
    public async Task Complete_Anthropic429WithRetryAfter_WaitsThatLongThenRetries()
    {
        var claude = new FakeAnthropicServer(Key)
        {
            Script = n => n == 1 ? new Fault(429, new Dictionary<string, string> { ["Retry-After"] = "1" }) : Fault.None,
        };
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude), ("gpt", azure)]);
        using var client = router.CreateClient();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"{clock.Elapsed}");
        Assert.Equal([("claude", "error"), ("claude", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Contains("retry after 1 s", response.Route.Attempts[0].Error);
        Assert.Equal(0, azure.Requests);
    }

    [Fact]
    public async Task Complete_Anthropic429WithRetryAfterBeyondTheBound_FallsBackAtOnce()
    {
        var claude = new FakeAnthropicServer(Key) { Script = _ => new Fault(429, new Dictionary<string, string> { ["Retry-After"] = "600" }) };
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude), ("gpt", azure)]);
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.Equal([("claude", "error"), ("gpt", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Equal(1, claude.Requests);
    }

    [Fact]
    public async Task Complete_AnthropicPromptTooLong_FallsBackToALargerContextWindow()
    {
        var claude = new FakeAnthropicServer(Key) { Script = _ => new Fault(400, ErrorCode: "prompt is too long: 210000 tokens > 200000 maximum") };
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude), ("gpt-large", azure)], new()
        {
            ["Catalog:Deployments:claude:ContextWindow"] = "200000",
            ["Catalog:Deployments:gpt-large:ContextWindow"] = "1000000",
        });
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "a very long prompt"));

        Assert.Equal([("claude", "error"), ("gpt-large", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Equal(1, claude.Requests);
    }

    [Fact]
    public async Task Stream_AnthropicErrorEventBeforeAnyText_FallsBackTransparently()
    {
        var claude = new FakeAnthropicServer(Key) { Script = _ => new Fault(BreakStreamAfter: 0) };
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude), ("gpt", azure)], new() { ["Router:MaxRetries"] = "0" });
        using var client = router.CreateClient();

        var events = await StreamAsync(client, Ask("chain", "hello"));

        Assert.Equal("gpt", events[0].Route!.Deployment);
        Assert.Equal(FakeAzureOpenAIServer.ReplyFrom("gpt"), Deltas(events));
        Assert.Equal([("claude", "error"), ("gpt", "ok")], events[^1].Route!.Attempts.Select(Summary));
    }

    [Fact]
    public async Task Stream_AnthropicErrorEventAfterText_EndsWithAnErrorEventNotAShortAnswer()
    {
        var claude = new FakeAnthropicServer(Key) { Script = _ => new Fault(BreakStreamAfter: 2) };
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("claude", claude), ("gpt", azure)]);
        using var client = router.CreateClient();

        var events = await StreamAsync(client, Ask("chain", "hello there"));

        Assert.Equal(CompletionStreamEvent.Failed, events[^1].Type);
        Assert.DoesNotContain(events, e => e.Type == CompletionStreamEvent.Done);
        Assert.Equal("claude heard:", Deltas(events));
        Assert.Contains("claude", events[^1].Error);
        Assert.Equal(0, azure.Requests);
    }

    [Fact]
    public async Task Complete_AzureOpenAI_CallsTheDeploymentPathWithApiVersionAndKeyAndReportsUsage()
    {
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("gpt-4o-eu", azure)]);
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("gpt-4o-eu", "hello"));

        Assert.Equal(FakeAzureOpenAIServer.ReplyFrom("gpt-4o-eu"), response.Text);
        Assert.Equal(ProviderNames.AzureOpenAI, response.Route.Provider);
        Assert.Equal(new TokenUsage(10, 4), response.Usage);
        var call = Assert.Single(azure.Calls);
        Assert.Equal("gpt-4o-eu", call.Deployment);
        Assert.False(string.IsNullOrEmpty(call.ApiVersion));
    }

    [Fact]
    public async Task Stream_AzureOpenAI_DeltasMakeTheAnswerAndUsageComesFromTheLastChunk()
    {
        var azure = new FakeAzureOpenAIServer(Key);
        await using var router = await ResilientRouter.StartAsync([("gpt", azure)]);
        using var client = router.CreateClient();

        var events = await StreamAsync(client, Ask("gpt", "hello"));

        Assert.Equal(FakeAzureOpenAIServer.ReplyFrom("gpt"), Deltas(events));
        Assert.Equal(CompletionStreamEvent.Done, events[^1].Type);
        Assert.Equal(new TokenUsage(10, 4), events[^1].Usage);
    }

    [Fact]
    public async Task Complete_AzureOpenAIRejectingTheKey_IsNotRetriedAndFallsBack()
    {
        var azure = new FakeAzureOpenAIServer("another-key");
        var claude = new FakeAnthropicServer(Key);
        await using var router = await ResilientRouter.StartAsync([("gpt", azure), ("claude", claude)], new() { ["Router:MaxRetries"] = "3" });
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.Equal([("gpt", "error"), ("claude", "ok")], response.Route.Attempts.Select(Summary));
        Assert.Contains("401", response.Route.Attempts[0].Error);
        Assert.Single(azure.Calls);
    }

    [Fact]
    public async Task Stream_AzureOpenAIMalformedChunkAfterText_EndsWithAnErrorEvent()
    {
        var azure = new FakeAzureOpenAIServer(Key) { Script = _ => new Fault(BreakStreamAfter: 1) };
        await using var router = await ResilientRouter.StartAsync([("gpt", azure)]);
        using var client = router.CreateClient();

        var events = await StreamAsync(client, Ask("gpt", "hello"));

        Assert.Equal([CompletionStreamEvent.Start, CompletionStreamEvent.Delta, CompletionStreamEvent.Failed], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Complete_AzureOpenAI503WithRetryAfterMs_IsRetriedAfterThatWait()
    {
        var azure = new FakeAzureOpenAIServer(Key)
        {
            Script = n => n == 1 ? new Fault(503, new Dictionary<string, string> { ["retry-after-ms"] = "200" }) : Fault.None,
        };
        await using var router = await ResilientRouter.StartAsync([("gpt", azure)]);
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("gpt", "hello"));

        Assert.Equal([("gpt", "error"), ("gpt", "ok")], response.Route.Attempts.Select(Summary));
    }
}

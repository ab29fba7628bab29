using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Budgets;

/// <summary>The orchestrator learns each model's window and output limit from the router's <c>GET /v1/models</c>, once per TTL.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class RouterReportedWindowTests(OrchestratorApp app) : IAsyncLifetime
{
    /// <summary>A router whose model list carries limits: "tiny" (gpt-4o-mini, window 40, at most 10 out).</summary>
    private sealed class LimitsRouter : FakeService
    {
        public int ModelListCalls;

        public ConcurrentQueue<CompletionRequest> Completions { get; } = new();

        protected override void Map(WebApplication app)
        {
            app.MapGet("/v1/models", (HttpContext context) =>
            {
                Interlocked.Increment(ref ModelListCalls);
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync(
                    """[{"id":"tiny","kind":"deployment","provider":"openai","model":"gpt-4o-mini","contextWindow":40,"maxOutputTokens":10}]""");
            });
            app.MapPost("/v1/complete", async (HttpContext context) =>
            {
                var request = await ReadAsync(context, ContractsJsonContext.Default.CompletionRequest);
                Completions.Enqueue(request);
                var route = new RouteDecision("tiny", "tiny", "gpt-4o-mini", "openai", "priority", [new RouteAttempt("tiny", "ok", 1)]);
                await WriteAsync(context, new CompletionResponse("ok", "stop", route, new TokenUsage(1, 1), 0m), ContractsJsonContext.Default.CompletionResponse);
            });
        }
    }

    private readonly LimitsRouter _router = new();

    public Task InitializeAsync() => _router.InitializeAsync();

    public Task DisposeAsync() => _router.DisposeAsync();

    [Fact]
    public async Task WindowAndOutputLimit_FromTheRoutersModelList_DecideWhatIsLeftOut_AndTheListIsFetchedOnce()
    {
        await using var factory = app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("services:routerservice:http:0", _router.Address)
            .UseSetting("EventBus:SpillPath", app.NewSpillPath()));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-window");
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = "tiny",
            ["max_tokens"] = 500,
            ["messages"] = new[] { ("user", "hello world one"), ("assistant", "hello world two"), ("user", "hello world three"), ("assistant", "hello world four"), ("user", "hello world") }
                .Select(m => new Dictionary<string, string> { ["role"] = m.Item1, ["content"] = m.Item2 }),
        });

        var first = await Chat.PostAsync(client, body);
        var second = await Chat.PostAsync(client, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // max_tokens 500 is capped at the deployment's 10: 40 − 10 = 30 for the prompt; 3 + 4 × 7 + 6 = 37 loses one message.
        Assert.Equal("prompt=30;window=40;reserved=10;dropped-history=1;dropped-chunks=0;encoding=o200k_base", Chat.Header(first, TokenBudgetOutcome.Header));
        Assert.Equal(Chat.Header(first, TokenBudgetOutcome.Header), Chat.Header(second, TokenBudgetOutcome.Header));
        Assert.All(_router.Completions, c => Assert.Equal(4, c.Messages.Count));
        Assert.Equal(1, _router.ModelListCalls);
    }
}

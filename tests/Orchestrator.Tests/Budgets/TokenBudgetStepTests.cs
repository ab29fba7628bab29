using System.Net;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Pipeline.Steps;
using AiAspire.Orchestrator.Templates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.Orchestrator.Tests.Budgets;

/// <summary>
/// Exact numbers: with o200k_base, "hello world" is 2 tokens and every role name 1, so each such message costs
/// 3 + 1 + 2 = 6 tokens and a prompt 3 more for the reply.
/// </summary>
public sealed class TokenBudgetStepTests
{
    private const string Hello = "hello world";

    /// <summary>RouterService's model list, as JSON, for the step's <see cref="ModelLimitsClient"/>.</summary>
    private sealed class ModelList(string json) : HttpMessageHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            Assert.Equal("/v1/models", request.RequestUri!.AbsolutePath);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }

    private static (TokenBudgetStep Step, DefaultHttpContext Http, ModelList Router) Step(string routerJson, TokenBudgetOptions? options = null)
    {
        var router = new ModelList(routerJson);
        var monitor = new StaticOptionsMonitor<TokenBudgetOptions>(options ?? new TokenBudgetOptions());
        var limits = new ModelLimitsCatalog(
            new ModelLimitsClient(new HttpClient(router) { BaseAddress = new("http://127.0.0.1") }),
            monitor, TimeProvider.System, NullLogger<ModelLimitsCatalog>.Instance);
        var templates = new TemplateCatalog(
            new StaticOptionsMonitor<TemplateOptions>(new TemplateOptions { Directory = "no-such-folder" }),
            new HostingEnvironment { ContentRootPath = Path.GetTempPath() }, NullLogger<TemplateCatalog>.Instance);
        var http = new DefaultHttpContext();
        return (new TokenBudgetStep(limits, new TokenCounter(), templates, new HttpContextAccessor { HttpContext = http }, monitor), http, router);
    }

    private static string Models(int window, int maxOutput, string model = "gpt-4o-mini") =>
        $$"""[{"id":"small","kind":"deployment","provider":"openai","model":"{{model}}","contextWindow":{{window}},"maxOutputTokens":{{maxOutput}}}]""";

    private static PipelineContext Context(IEnumerable<RouterMessage> messages, int? maxTokens = null, string model = "small") =>
        new("chatcmpl-test", "tenant-a", new ChatCompletionRequest { Model = model, MaxTokens = maxTokens, Messages = [] })
        {
            Messages = [.. messages],
        };

    private static readonly string[] Numbers = ["one", "two", "three", "four"];

    private static RouterMessage[] Conversation(int earlierMessages) =>
        [.. Enumerable.Range(0, earlierMessages).Select(i => new RouterMessage(i % 2 == 0 ? "user" : "assistant", $"{Hello} {Numbers[i]}")), new("user", Hello)];

    [Fact]
    public async Task PromptThatFits_IsSentWhole_AndTheHeaderStatesTheCount()
    {
        var (step, http, _) = Step(Models(window: 100, maxOutput: 50));
        var context = Context([new("user", Hello)]);

        await step.ExecuteAsync(context, CancellationToken.None);

        Assert.Null(context.Problem);
        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.O200kBase, 9, 100, 50, 0, 0), context.Budget);
        Assert.Equal("prompt=9;window=100;reserved=50;dropped-history=0;dropped-chunks=0;encoding=o200k_base", http.Response.Headers[TokenBudgetOutcome.Header].ToString());
    }

    [Fact]
    public async Task TooLong_DropsTheOldestEarlierTurnsFirst_AsFewAsNeeded()
    {
        // Earlier messages "hello world one".."hello world four" are 3 tokens each ("hello", " world", " one"): 7 per message.
        var (step, _, _) = Step(Models(window: 40, maxOutput: 1000));
        var context = Context(Conversation(4), maxTokens: 10);

        await step.ExecuteAsync(context, CancellationToken.None);

        // Whole: 3 + 4 × 7 + 6 = 37 > 40 − 10 = 30. Dropping one earlier message leaves 30.
        Assert.Null(context.Problem);
        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.O200kBase, 30, 40, 10, 1, 0), context.Budget);
        Assert.Equal(["hello world two", "hello world three", "hello world four", Hello], context.Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task ReservedOutput_IsTheRequestsMaxTokens_CappedAtTheDeploymentsMaximum_ElseThatMaximum()
    {
        var (step, _, _) = Step(Models(window: 40, maxOutput: 20));
        var capped = Context(Conversation(4), maxTokens: 500);
        var unset = Context(Conversation(4));

        await step.ExecuteAsync(capped, CancellationToken.None);
        await step.ExecuteAsync(unset, CancellationToken.None);

        // 40 − 20 = 20 for the prompt: 3 + 6 = 9 for the question leaves room for one earlier message (7): 16; two would be 23.
        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.O200kBase, 16, 40, 20, 3, 0), capped.Budget);
        Assert.Equal(capped.Budget, unset.Budget);
    }

    [Fact]
    public async Task AfterTheHistory_TheLowestScoredChunksGo_TheRestKeepTheirOrderAndAreRenumbered()
    {
        var chunks = new List<RetrievedChunk>
        {
            new("d", "c1", "Refunds take 14 days.", 0.9, "a.md", null),
            new("d", "c2", "Shipping is free over 50 euros.", 0.3, "b.md", null),
            new("d", "c3", "Returns need a receipt.", 0.6, "c.md", null),
        };
        var question = new RouterMessage("user", Hello);
        var counter = new TokenCounter();
        // What the prompt costs with no history and only c1 and c3: the budget is set to exactly that.
        var keptTwo = counter.CountMessages(TokenCounter.O200kBase, [PromptRenderer.ContextMessage([chunks[0], chunks[2]]), question]);
        var (step, _, _) = Step(Models(window: keptTwo + 10, maxOutput: 10));
        var contextMessage = PromptRenderer.ContextMessage(chunks);
        var context = Context([contextMessage, new("user", "earlier"), new("assistant", "answer"), question]);
        context.ContextMessage = contextMessage;
        context.RetrievedChunks = chunks;

        await step.ExecuteAsync(context, CancellationToken.None);

        Assert.Null(context.Problem);
        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.O200kBase, keptTwo, keptTwo + 10, 10, 2, 1), context.Budget);
        Assert.Equal(["c1", "c3"], context.RetrievedChunks.Select(c => c.ChunkId));
        Assert.Equal(["system", "user"], context.Messages.Select(m => m.Role));
        Assert.Equal([1, 2], ContextPassages.Parse(context.Messages[0].Content).Select(p => p.Number));
        Assert.Equal("c.md", ContextPassages.Parse(context.Messages[0].Content)[1].Source);
    }

    [Fact]
    public async Task DroppingAToolCall_DropsTheToolResultsThatAnswerIt()
    {
        var (step, _, _) = Step(Models(window: 25, maxOutput: 10));
        var context = Context([
            new("user", Hello),
            new("assistant", "", ToolCalls: [new ToolCall("call-1", "lookup", "{}")]),
            new("tool", Hello, ToolCallId: "call-1"),
            new("assistant", Hello),
            new("user", Hello)]);

        await step.ExecuteAsync(context, CancellationToken.None);

        // Only the last answer and the question fit (3 + 6 + 6 = 15 of 25 − 10); the tool result did not outlive its call.
        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.O200kBase, 15, 25, 10, 3, 0), context.Budget);
        Assert.Equal(["assistant", "user"], context.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task PromptThatCannotFit_Is400_StatingPromptTokensWindowAndReservedOutput()
    {
        var (step, _, _) = Step(Models(window: 20, maxOutput: 10));
        var context = Context([new("system", Hello), new("user", "earlier"), new("assistant", "answer"), new("user", Hello)]);

        await step.ExecuteAsync(context, CancellationToken.None);

        var problem = Assert.IsType<Microsoft.AspNetCore.Mvc.ProblemDetails>(context.Problem!.ProblemDetails);
        Assert.Equal((400, TokenBudgetStep.ProblemType), (problem.Status, problem.Type));
        // 3 + 6 + 6 with the earlier turns gone, against 20 − 10.
        Assert.Equal(
            "The prompt needs 15 tokens even with all earlier turns and retrieved passages left out, but 'small' has a context window of 20 tokens, " +
            "of which 10 are reserved for the output: 10 remain for the prompt. Shorten the messages or lower max_tokens.",
            problem.Detail);
        Assert.Equal((15, 20, 10), ((int)problem.Extensions["promptTokens"]!, (int)problem.Extensions["contextWindow"]!, (int)problem.Extensions["reservedOutputTokens"]!));
        Assert.Equal("error", context.Status);
    }

    [Fact]
    public async Task OlderFamily_IsCountedWithCl100k_AndConfigurationOverridesTheRouter()
    {
        var options = new TokenBudgetOptions { Models = { ["small"] = new ModelLimitsOptions { ContextWindow = 1000 } } };
        var (step, _, _) = Step(Models(window: 20, maxOutput: 10, model: "gpt-4-0613"), options);
        var context = Context([new("user", Hello)]);

        await step.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.Cl100kBase, 9, 1000, 10, 0, 0), context.Budget);
    }

    [Fact]
    public async Task UnknownWindow_CountsButLeavesEverythingIn_AndTheModelListIsCached()
    {
        var (step, http, router) = Step("""[{"id":"small","kind":"deployment","provider":"x","model":null}]""");
        var first = Context(Conversation(4));
        var second = Context(Conversation(4));

        await step.ExecuteAsync(first, CancellationToken.None);
        await step.ExecuteAsync(second, CancellationToken.None);

        Assert.Equal(new TokenBudgetOutcome("small", TokenCounter.O200kBase, 37, null, 1024, 0, 0), first.Budget);
        Assert.Equal(5, first.Messages.Count);
        Assert.Equal(1, router.Calls);
        Assert.Contains("window=unknown", http.Response.Headers[TokenBudgetOutcome.Header].ToString(), StringComparison.Ordinal);
    }
}

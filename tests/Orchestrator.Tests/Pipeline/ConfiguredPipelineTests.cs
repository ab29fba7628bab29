using System.Net;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Rag;
using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Pipeline.Steps;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Pipeline;

/// <summary>
/// The pipeline, templates and token budget as configured per route and tenant, through the real orchestrator: what
/// the router is sent, what the caller gets, what the InferenceCompleted event says.
/// </summary>
[Collection(OrchestratorCollection.Name)]
public sealed class ConfiguredPipelineTests
{
    private readonly OrchestratorApp _app;

    public ConfiguredPipelineTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    /// <summary>An orchestrator of its own, on the shared fakes, with <paramref name="settings"/> on top of the shared configuration.</summary>
    private WebApplicationFactory<Program> Orchestrator(params (string Key, string Value)[] settings) =>
        _app.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("EventBus:SpillPath", _app.NewSpillPath());
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    private static (string, string)[] Steps(string path, params string[] steps) =>
        [.. steps.Select((step, i) => ($"{path}:Steps:{i}", step))];

    private async Task<JsonElement> EventOfAsync(HttpResponseMessage response)
    {
        var requestId = Chat.RequestId(response);
        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var events = await Eventually.MatchesAsync(
            async () => (await db.StreamRangeAsync(Topics.InferenceEvents))
                .Select(e => JsonDocument.Parse((string)e["event"]!).RootElement.GetProperty("data").Clone()).ToList(),
            list => list.Any(e => e.GetProperty("requestId").GetString() == requestId),
            $"the event of {requestId} is on '{Topics.InferenceEvents}'");
        return events.Single(e => e.GetProperty("requestId").GetString() == requestId);
    }

    private static string[] StagesOf(JsonElement @event) =>
        [.. @event.GetProperty("stageLatencyMs").EnumerateObject().Select(p => p.Name)];

    private static string Conversation(string model, int? maxTokens, params (string Role, string Content)[] messages) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["model"] = model,
        ["max_tokens"] = maxTokens,
        ["messages"] = messages.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
    });

    [Fact]
    public async Task TenantOverride_ThatRemovesSteps_SkipsThemInBehaviour_AndInTheStageLatencies()
    {
        await using var factory = Orchestrator(Steps("Pipeline:Tenants:tenant-lean", "validate", "infer"));
        using var lean = OrchestratorApp.CreateClient(factory, "tenant-lean");
        using var standard = OrchestratorApp.CreateClient(factory, "tenant-standard");

        var leanResponse = await Chat.PostAsync(lean, Chat.Request($"Write to {FakeGuardrailService.Email}"));
        var standardResponse = await Chat.PostAsync(standard, Chat.Request($"Write to {FakeGuardrailService.Email}"));

        Assert.Equal(HttpStatusCode.OK, leanResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, standardResponse.StatusCode);
        var sent = _app.Router.CompleteRequests.ToList();
        // Without guard-input nothing was masked (and without guard-output nothing is restored); the other tenant is guarded.
        Assert.Equal($"Write to {FakeGuardrailService.Email}", sent[0].Messages.Single().Content);
        Assert.Equal($"Write to {FakeGuardrailService.Placeholder}", sent[1].Messages.Single().Content);
        Assert.Single(_app.Guardrails.InputRequests);
        Assert.DoesNotContain(leanResponse.Headers, h => h.Key == TokenBudgetOutcome.Header);
        Assert.Contains(standardResponse.Headers, h => h.Key == TokenBudgetOutcome.Header);

        Assert.Equal(["validate", "infer"], StagesOf(await EventOfAsync(leanResponse)));
        Assert.Equal(["validate", "guard-input", "memory", "retrieve", "template", "token-budget", "infer", "guard-output", "format"], StagesOf(await EventOfAsync(standardResponse)));
    }

    [Fact]
    public async Task EachConfiguredStep_RunsInASpanOfItsOwn_UnderTheRequestsTrace()
    {
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom();
        var spans = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == OrchestratorTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity.DisplayName);
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var factory = Orchestrator(Steps("Pipeline:Tenants:tenant-spans", "validate", "guard-input", "infer", "guard-output"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-spans");
        client.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");

        var response = await Chat.PostAsync(client, Chat.Request("hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["pipeline validate", "pipeline guard-input", "pipeline infer", "pipeline guard-output"], spans.Where(s => s.StartsWith("pipeline ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TenantOverride_ThatReordersSteps_RetrievesBeforeTheInputGuard_SoTheGuardSeesTheContext()
    {
        _app.Rag.Chunks = [new RetrievedChunk("doc-1", "doc-1#0", "Refunds are issued within 14 days.", 0.81, "handbook.md", null)];
        await using var factory = Orchestrator(Steps("Pipeline:Tenants:tenant-reordered", "validate", "retrieve", "guard-input", "infer", "guard-output"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-reordered");

        var response = await Chat.PostAsync(client, Chat.Request("How long do refunds take?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var checkedMessages = Assert.Single(_app.Guardrails.InputRequests).Messages;
        Assert.Equal(["system", "user"], checkedMessages.Select(m => m.Role));
        Assert.Contains("Refunds are issued within 14 days.", checkedMessages[0].Content, StringComparison.Ordinal);
        Assert.Equal(["validate", "retrieve", "guard-input", "infer", "guard-output"], StagesOf(await EventOfAsync(response)));
    }

    [Fact]
    public async Task RouteOverride_AppliesToThatModelOnly_AndATenantsRouteOverrideWinsOverIt()
    {
        await using var factory = Orchestrator([
            .. Steps("Pipeline:Routes:fast", "validate", "guard-input", "infer", "guard-output"),
            .. Steps("Pipeline:Tenants:tenant-x:Routes:fast", "validate", "infer")]);
        using var other = OrchestratorApp.CreateClient(factory, "tenant-y");
        using var tenantX = OrchestratorApp.CreateClient(factory, "tenant-x");

        var fast = await Chat.PostAsync(other, Chat.Request("hi", model: "fast"));
        var byDefault = await Chat.PostAsync(other, Chat.Request("hi", model: "default"));
        var fastForX = await Chat.PostAsync(tenantX, Chat.Request("hi", model: "fast"));

        Assert.Equal(["validate", "guard-input", "infer", "guard-output"], StagesOf(await EventOfAsync(fast)));
        Assert.Equal(9, StagesOf(await EventOfAsync(byDefault)).Length);
        Assert.Equal(["validate", "infer"], StagesOf(await EventOfAsync(fastForX)));
    }

    [Fact]
    public async Task Reload_ChangesTheStepsOfTheNextRequest_AndAnInvalidReloadKeepsTheLastGoodPipeline()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-reload");
        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();

        var before = await Chat.PostAsync(client, Chat.Request("hi"));
        configuration["Pipeline:Tenants:tenant-reload:Steps:0"] = "validate";
        configuration["Pipeline:Tenants:tenant-reload:Steps:1"] = "infer";
        configuration.Reload();
        var after = await Chat.PostAsync(client, Chat.Request("hi"));
        configuration["Pipeline:Tenants:tenant-reload:Steps:1"] = "no-such-step";
        // The options monitor validates as it is notified, so the reload itself may report the error; the service goes on.
        _ = Record.Exception(configuration.Reload);
        var afterInvalid = await Chat.PostAsync(client, Chat.Request("hi"));

        Assert.Equal(9, StagesOf(await EventOfAsync(before)).Length);
        Assert.Equal(["validate", "infer"], StagesOf(await EventOfAsync(after)));
        Assert.Equal(HttpStatusCode.OK, afterInvalid.StatusCode);
        Assert.Equal(["validate", "infer"], StagesOf(await EventOfAsync(afterInvalid)));
    }

    [Theory]
    [InlineData("Pipeline:Default:Steps:1", "spellcheck", "Pipeline:Default:Steps names 'spellcheck', which is not a step.")]
    [InlineData("Pipeline:Tenants:acme:Steps:0", "validate", "The pipeline for tenant 'acme', route 'default' has no 'infer' step: [validate].")]
    [InlineData("Pipeline:Routes:smart:Template", "no-such-template", "names the template 'no-such-template', which is not in the catalog")]
    [InlineData("Templates:Definitions:bad@1:User", "Hello {{name}}", "Template bad@1")]
    public async Task InvalidConfiguration_StopsTheServiceAtStart_WithAClearMessage(string key, string value, string message)
    {
        await using var factory = Orchestrator((key, value));

        var error = Record.Exception(() => factory.Server);

        Assert.NotNull(error);
        var validation = ValidationErrorIn(error);
        Assert.True(validation is not null, "Expected an options validation error, got: " + error);
        Assert.Contains(message, validation.Message, StringComparison.Ordinal);
    }

    private static OptionsValidationException? ValidationErrorIn(Exception error) => error switch
    {
        OptionsValidationException validation => validation,
        AggregateException aggregate => aggregate.InnerExceptions.Select(ValidationErrorIn).FirstOrDefault(e => e is not null),
        { InnerException: { } inner } => ValidationErrorIn(inner),
        _ => null,
    };

    [Fact]
    public async Task Templates_ARouteNamesOne_ATenantOverridesItWithItsOwnVariables_AndTheEventCarriesIdAtVersion()
    {
        await using var factory = Orchestrator(
            ("Pipeline:Routes:smart:Template", "grounded@1"),
            ("Pipeline:Tenants:tenant-acme:Template", "grounded"),
            ("Templates:Tenants:tenant-acme:Variables:organization", "Acme Corp"));
        using var other = OrchestratorApp.CreateClient(factory, "tenant-other");
        using var acme = OrchestratorApp.CreateClient(factory, "tenant-acme");

        var plain = await Chat.PostAsync(other, Chat.Request("hi", model: "default"));
        var smart = await Chat.PostAsync(other, Chat.Request("hi", model: "smart"));
        var acmeDefault = await Chat.PostAsync(acme, Chat.Request("hi", model: "default"));

        var sent = _app.Router.CompleteRequests.ToList();
        Assert.Equal(["user"], sent[0].Messages.Select(m => m.Role));
        Assert.Equal(["system", "user"], sent[1].Messages.Select(m => m.Role));
        Assert.StartsWith("You are AiAspire, the assistant of this organization.", sent[1].Messages[0].Content, StringComparison.Ordinal);
        Assert.StartsWith("You are AiAspire, the assistant of Acme Corp.", sent[2].Messages[0].Content, StringComparison.Ordinal);
        Assert.Equal("hi", sent[2].Messages[1].Content);
        // The output guard's leakage check knows the template's instructions.
        Assert.Contains(_app.Guardrails.OutputRequests, r => r.SystemPrompt?.StartsWith("You are AiAspire, the assistant of Acme Corp.", StringComparison.Ordinal) == true);

        Assert.Equal("answer@1", (await EventOfAsync(plain)).GetProperty("templateVersion").GetString());
        Assert.Equal("grounded@1", (await EventOfAsync(smart)).GetProperty("templateVersion").GetString());
        Assert.Equal("grounded@1", (await EventOfAsync(acmeDefault)).GetProperty("templateVersion").GetString());
    }

    [Fact]
    public async Task WithoutATemplateStep_TheEventHasNoTemplateVersion()
    {
        await using var factory = Orchestrator(Steps("Pipeline:Tenants:tenant-bare", "validate", "infer"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-bare");

        var response = await Chat.PostAsync(client, Chat.Request("hi"));

        var @event = await EventOfAsync(response);
        Assert.Equal(JsonValueKind.Null, @event.TryGetProperty("templateVersion", out var version) ? version.ValueKind : JsonValueKind.Null);
        // No budget step ran either: the event claims no counts.
        Assert.All(["promptTokens", "contextWindow", "droppedHistory", "droppedChunks"], name => Assert.False(@event.TryGetProperty(name, out _), name));
    }

    [Fact]
    public async Task TokenBudget_DropsTheOldestTurns_SendsTheRest_AndStatesItInTheHeader()
    {
        // o200k_base: "hello world" is 2 tokens, "hello world one" 3, a role 1; 3 per message and 3 for the reply.
        await using var factory = Orchestrator(("TokenBudget:Models:default:ContextWindow", "40"), ("TokenBudget:Models:default:MaxOutputTokens", "100"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-budget");

        var response = await Chat.PostAsync(client, Conversation("default", 10,
            ("user", "hello world one"), ("assistant", "hello world two"), ("user", "hello world three"), ("assistant", "hello world four"), ("user", "hello world")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // 3 + 4 × 7 + 6 = 37 > 40 − 10: one earlier message goes.
        Assert.Equal("prompt=30;window=40;reserved=10;dropped-history=1;dropped-chunks=0;encoding=o200k_base", Chat.Header(response, TokenBudgetOutcome.Header));
        Assert.Equal(["hello world two", "hello world three", "hello world four", "hello world"], Assert.Single(_app.Router.CompleteRequests).Messages.Select(m => m.Content));
        var @event = await EventOfAsync(response);
        Assert.Equal((30, 40, 1, 0), (@event.GetProperty("promptTokens").GetInt32(), @event.GetProperty("contextWindow").GetInt32(),
            @event.GetProperty("droppedHistory").GetInt32(), @event.GetProperty("droppedChunks").GetInt32()));
    }

    [Fact]
    public async Task TokenBudget_DroppedChunks_AreCountedInTheEvent_LowestScoredFirst()
    {
        _app.Rag.Chunks =
        [
            new RetrievedChunk("doc-1", "chunk-high", "Invoices are due in thirty days after the month ends.", 0.9, "billing.md", "Terms"),
            new RetrievedChunk("doc-1", "chunk-low", "Refunds are issued within fourteen days of a written request.", 0.3, "billing.md", "Refunds"),
        ];
        var question = Conversation("default", 10, ("user", "When are invoices due?"));
        int whole;
        await using (var unknownWindow = Orchestrator())
        {
            using var measuring = OrchestratorApp.CreateClient(unknownWindow, "tenant-budget-chunks");
            var measured = await EventOfAsync(await Chat.PostAsync(measuring, question));
            Assert.Equal(2, measured.GetProperty("retrievedChunks").GetInt32());
            Assert.Equal(0, measured.GetProperty("droppedChunks").GetInt32());
            whole = measured.GetProperty("promptTokens").GetInt32();
        }
        // One token short of room for both chunks and the 10 reserved for the output.
        var window = whole + 10 - 1;
        await using var factory = Orchestrator(
            ("TokenBudget:Models:default:ContextWindow", window.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("TokenBudget:Models:default:MaxOutputTokens", "100"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-budget-chunks");

        var response = await Chat.PostAsync(client, question);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var @event = await EventOfAsync(response);
        Assert.Equal((window, 0, 1, 1), (@event.GetProperty("contextWindow").GetInt32(), @event.GetProperty("droppedHistory").GetInt32(),
            @event.GetProperty("droppedChunks").GetInt32(), @event.GetProperty("retrievedChunks").GetInt32()));
        Assert.InRange(@event.GetProperty("promptTokens").GetInt32(), 1, window - 10);
        var sent = _app.Router.CompleteRequests.Last().Messages;
        Assert.Contains(sent, m => m.Content.Contains("Invoices are due", StringComparison.Ordinal));
        Assert.DoesNotContain(sent, m => m.Content.Contains("Refunds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenBudget_APromptThatCannotFit_Is400ProblemJson_WithTheNumbers_AndNothingIsSentToAModel()
    {
        await using var factory = Orchestrator(("TokenBudget:Models:default:ContextWindow", "20"), ("TokenBudget:Models:default:MaxOutputTokens", "10"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-budget");

        var response = await Chat.PostAsync(client, Conversation("default", null, ("system", "hello world"), ("user", "hello world")));

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.BadRequest, TokenBudgetStep.ProblemType);
        Assert.Equal((15, 20, 10), (problem.GetProperty("promptTokens").GetInt32(), problem.GetProperty("contextWindow").GetInt32(), problem.GetProperty("reservedOutputTokens").GetInt32()));
        Assert.Contains("The prompt needs 15 tokens, but 'default' has a context window of 20 tokens, of which 10 are reserved for the output", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(_app.Router.CompleteRequests);
        Assert.Equal("error", (await EventOfAsync(response)).GetProperty("status").GetString());
    }
}

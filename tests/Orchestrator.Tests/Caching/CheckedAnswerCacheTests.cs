using System.Net;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>
/// The exact cache in front of the guards: a repeated stateless request whose answer both guards allowed is answered
/// with no guard, model or retrieval call — and only while the guards' policy version is the one it was checked under.
/// </summary>
[Collection(OrchestratorCollection.Name)]
public sealed class CheckedAnswerCacheTests
{
    /// <summary>The default pipeline without retrieval, for the route these tests ask for.</summary>
    private static readonly string[] StepsWithoutRetrieval = ["validate", "guard-input", "memory", "template", "token-budget", "infer", "guard-output", "format"];

    private const string Route = "checked";

    private readonly OrchestratorApp _app;

    public CheckedAnswerCacheTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
        app.Guardrails.PolicyVersion = "policy-1";
    }

    /// <summary>An orchestrator of its own (its own record of the policy version) on the shared fakes and Redis.</summary>
    private WebApplicationFactory<Program> Orchestrator(string route = Route, params (string Key, string Value)[] settings) =>
        _app.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("EventBus:SpillPath", _app.NewSpillPath());
            // Generous, so that a slow machine never lets the version age out between two requests of a test.
            builder.UseSetting("Cache:Exact:GuardPolicyMaxAge", "00:10:00");
            for (var i = 0; i < StepsWithoutRetrieval.Length; i++)
            {
                builder.UseSetting($"Pipeline:Routes:{route}:Steps:{i}", StepsWithoutRetrieval[i]);
            }
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });

    /// <summary>A question no other test asks, at temperature 0.</summary>
    private static string UniqueRequest(string text = "When are invoices due", bool stream = false, string model = Route) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["temperature"] = 0,
            ["stream"] = stream,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = $"{text} (case {Guid.NewGuid():N})?" } },
        });

    private static async Task<string> AnswerOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    private (int Input, int Output, int Model) Calls() =>
        (_app.Guardrails.InputRequests.Count, _app.Guardrails.OutputRequests.Count, _app.Router.CompleteBodies.Count);

    [Fact]
    public async Task RepeatedRequest_IsAnsweredWithNoGuardOrModelCall()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked");
        var json = UniqueRequest();

        var first = await Chat.PostAsync(client, json);
        var firstAnswer = await AnswerOfAsync(first);
        var afterFirst = Calls();
        var second = await Chat.PostAsync(client, json);
        var secondAnswer = await AnswerOfAsync(second);

        Assert.Equal((1, 1, 1), afterFirst);
        Assert.Equal((1, 1, 1), Calls());
        Assert.Equal("miss", Chat.Header(first, AiAspireHeaders.Cache));
        Assert.Equal("exact", Chat.Header(second, AiAspireHeaders.Cache));
        Assert.Equal(firstAnswer, secondAnswer);
        Assert.Equal("0", Chat.Header(second, AiAspireHeaders.Cost));
        Assert.Equal(Chat.Header(first, AiAspireHeaders.Model), Chat.Header(second, AiAspireHeaders.Model));
    }

    [Fact]
    public async Task Hit_IsReportedInItsEvent_WithTheTemplateAndTheCacheStage()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-event");
        var json = UniqueRequest();
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        var second = await Chat.PostAsync(client, json);
        await AnswerOfAsync(second);

        var @event = await EventOfAsync(Chat.RequestId(second));
        Assert.True(@event.GetProperty("cacheHit").GetBoolean());
        Assert.Equal("exact", @event.GetProperty("cache").GetString());
        Assert.Equal("answer@1", @event.GetProperty("templateVersion").GetString());
        Assert.Equal(new[] { CheckedAnswerCache.Stage }, @event.GetProperty("stageLatencyMs").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task ChangedGuardPolicy_IsNotServedAnAnswerCheckedUnderTheOldOne()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-policy");
        var json = UniqueRequest();
        await AnswerOfAsync(await Chat.PostAsync(client, json));
        Assert.Equal("exact", Chat.Header(await Chat.PostAsync(client, json), AiAspireHeaders.Cache));

        // The guards' policy changes; any request that reaches them tells the orchestrator.
        _app.Guardrails.PolicyVersion = "policy-2";
        await AnswerOfAsync(await Chat.PostAsync(client, UniqueRequest("Something else")));
        var before = Calls();
        var again = await Chat.PostAsync(client, json);
        await AnswerOfAsync(again);

        // Checked again by both guards (the exact cache behind them still spares the model call).
        Assert.Equal((before.Input + 1, before.Output + 1, before.Model), Calls());
        var third = await Chat.PostAsync(client, json);
        await AnswerOfAsync(third);
        Assert.Equal((before.Input + 1, before.Output + 1, before.Model), Calls());
        Assert.Equal("exact", Chat.Header(third, AiAspireHeaders.Cache));
    }

    [Fact]
    public async Task RequestWithMaskedPersonalData_IsStillCheckedByBothGuards()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-pii");
        var json = UniqueRequest($"Email {FakeGuardrailService.Email} when invoices are due");

        await AnswerOfAsync(await Chat.PostAsync(client, json));
        var second = await Chat.PostAsync(client, json);

        Assert.Equal($"Sure, I will write to {FakeGuardrailService.Email} today.", await AnswerOfAsync(second));
        Assert.Equal("exact", Chat.Header(second, AiAspireHeaders.Cache));
        Assert.Equal((2, 2, 1), Calls());
    }

    [Fact]
    public async Task GuardsThatReportNoPolicyVersion_AreAlwaysCalled()
    {
        _app.Guardrails.PolicyVersion = null;
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-old-guard");
        var json = UniqueRequest();

        await AnswerOfAsync(await Chat.PostAsync(client, json));
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        Assert.Equal((2, 2, 1), Calls());
    }

    [Fact]
    public async Task PipelineWithRetrieval_IsStillCheckedByBothGuards()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-rag");
        // The default route runs the default pipeline, retrieval included: its passages change with the documents.
        var json = UniqueRequest(model: "default");

        await AnswerOfAsync(await Chat.PostAsync(client, json));
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        Assert.Equal(2, _app.Guardrails.InputRequests.Count);
        Assert.Equal(2, _app.Guardrails.OutputRequests.Count);
    }

    [Fact]
    public async Task NoCacheRequest_GoesThroughTheGuards()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-nocache");
        var json = UniqueRequest();
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        using var request = new HttpRequestMessage(HttpMethod.Post, Chat.Path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.CacheControl = new() { NoCache = true };
        var fresh = await client.SendAsync(request);
        await AnswerOfAsync(fresh);

        Assert.Equal("miss", Chat.Header(fresh, AiAspireHeaders.Cache));
        Assert.Equal((2, 2, 2), Calls());
    }

    [Fact]
    public async Task IdenticalRequest_OfAnotherTenant_GoesThroughTheGuards()
    {
        await using var factory = Orchestrator();
        using var tenantA = OrchestratorApp.CreateClient(factory, "tenant-checked-a");
        using var tenantB = OrchestratorApp.CreateClient(factory, "tenant-checked-b");
        var json = UniqueRequest();

        await AnswerOfAsync(await Chat.PostAsync(tenantA, json));
        var other = await Chat.PostAsync(tenantB, json);
        await AnswerOfAsync(other);

        Assert.Equal("miss", Chat.Header(other, AiAspireHeaders.Cache));
        Assert.Equal((2, 2, 2), Calls());
    }

    [Fact]
    public async Task StreamedRepeat_IsServedAsAStream_WithNoGuardCall()
    {
        await using var factory = Orchestrator();
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-stream");
        var question = $"When are invoices due (case {Guid.NewGuid():N})?";
        string Ask(bool stream) => JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = Route,
            ["temperature"] = 0,
            ["stream"] = stream,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = question } },
        });
        var answer = await AnswerOfAsync(await Chat.PostAsync(client, Ask(stream: false)));

        var streamed = await Chat.PostAsync(client, Ask(stream: true));
        var data = Chat.DataOf(await streamed.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("exact", Chat.Header(streamed, AiAspireHeaders.Cache));
        Assert.Equal("[DONE]", data[^1]);
        var text = string.Concat(data.SkipLast(1).Select(d => JsonDocument.Parse(d).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(answer, text);
        Assert.Equal((1, 1, 1), Calls());
    }

    [Fact]
    public async Task Disabled_EveryRequestGoesThroughTheGuards()
    {
        await using var factory = Orchestrator(Route, ("Cache:Exact:CheckedAnswers", "false"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-checked-off");
        var json = UniqueRequest();

        await AnswerOfAsync(await Chat.PostAsync(client, json));
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        Assert.Equal((2, 2, 1), Calls());
    }

    private async Task<JsonElement> EventOfAsync(string requestId)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var events = await Eventually.MatchesAsync(
            async () => (await db.StreamRangeAsync(Topics.InferenceEvents))
                .Select(e => JsonDocument.Parse((string)e["event"]!).RootElement.GetProperty("data").Clone()).ToList(),
            list => list.Any(e => e.GetProperty("requestId").GetString() == requestId),
            $"the event of {requestId} is on '{Topics.InferenceEvents}'");
        return events.Single(e => e.GetProperty("requestId").GetString() == requestId);
    }
}

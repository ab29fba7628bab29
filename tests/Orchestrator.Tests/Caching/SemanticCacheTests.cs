using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Tests.Api;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>
/// The semantic cache: a question that means what an earlier one of the same tenant meant, asked of the same model
/// with the same parameters, gets the earlier answer — unless the stored question differs in numbers, negation or
/// masked values.
/// </summary>
[Collection(ScriptedCollection.Name)]
public sealed class SemanticCacheTests
{
    private const string Question = "How do I get a refund for my order?";
    private const string Paraphrase = "how do i obtain a reimbursement for my order";

    private readonly ScriptedApp _app;

    public SemanticCacheTests(ScriptedApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task Paraphrase_OfAnAnsweredQuestion_IsASemanticHit()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());

        var first = await Ask.AskAsync(client, Ask.Json(Question));
        using var second = await Ask.PostAsync(client, Ask.Json(Paraphrase));
        var secondAnswer = await Ask.AnswerOfAsync(second);

        Assert.Equal(("The answer is forty-two.", "miss"), first);
        Assert.Equal("semantic", Chat.Header(second, AiAspireHeaders.Cache));
        Assert.Equal(first.Answer, secondAnswer);
        Assert.Equal("0", Chat.Header(second, AiAspireHeaders.Cost));
        Assert.Single(_app.Router.Requests);
    }

    [Fact]
    public async Task SemanticHit_IsReportedInTheInferenceEvent()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        await Ask.AskAsync(client, Ask.Json(Question));
        using var second = await Ask.PostAsync(client, Ask.Json(Paraphrase));
        await Ask.AnswerOfAsync(second);
        var requestId = Chat.RequestId(second);

        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var events = await Eventually.MatchesAsync(
            async () => (await redis.GetDatabase().StreamRangeAsync(Topics.InferenceEvents))
                .Select(e => JsonDocument.Parse((string)e["event"]!).RootElement.GetProperty("data").Clone()).ToList(),
            all => all.Any(e => e.GetProperty("requestId").GetString() == requestId),
            $"the event of {requestId}");
        var @event = events.Single(e => e.GetProperty("requestId").GetString() == requestId);
        Assert.Equal("semantic", @event.GetProperty("cache").GetString());
        Assert.True(@event.GetProperty("cacheHit").GetBoolean());
    }

    [Theory]
    [InlineData("Tell me a joke about cats")]
    [InlineData("What was the revenue in 2024")]
    [InlineData("How do I not get a refund for my order?")]
    public async Task DifferentQuestion_IsAMiss(string other)
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        await Ask.AskAsync(client, Ask.Json(Question));
        await Ask.AskAsync(client, Ask.Json("What was the revenue in 2023"));

        var (_, cache) = await Ask.AskAsync(client, Ask.Json(other));

        Assert.Equal("miss", cache);
        Assert.Equal(3, _app.Router.Requests.Count);
    }

    [Fact]
    public async Task OtherNumbers_AreAMiss_ThoughTheEmbeddingsAreIdentical()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        Assert.Equal(_app.Rag.Embed("what was the revenue in 2023"), _app.Rag.Embed("what was the revenue in 2024"));

        await Ask.AskAsync(client, Ask.Json("What was the revenue in 2023?"));
        var (_, cache) = await Ask.AskAsync(client, Ask.Json("What was the revenue in 2024?"));

        Assert.Equal("miss", cache);
    }

    [Fact]
    public async Task SameQuestion_OfAnotherTenant_IsAMiss()
    {
        using var tenantA = _app.CreateClient(ScriptedApp.NewTenant());
        using var tenantB = _app.CreateClient(ScriptedApp.NewTenant());

        await Ask.AskAsync(tenantA, Ask.Json(Question));
        var (_, cache) = await Ask.AskAsync(tenantB, Ask.Json(Paraphrase));

        Assert.Equal("miss", cache);
        Assert.Equal(2, _app.Router.Requests.Count);
    }

    [Fact]
    public async Task OtherParametersOrSystemPrompt_AreAMiss()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        await Ask.AskAsync(client, Ask.Json(Question));

        var (_, otherLimit) = await Ask.AskAsync(client, Ask.Json(Paraphrase, maxTokens: 50));
        var (_, otherSystem) = await Ask.AskAsync(client, Ask.Json(Paraphrase, system: "Answer in French."));

        Assert.Equal("miss", otherLimit);
        Assert.Equal("miss", otherSystem);
        Assert.Equal(3, _app.Router.Requests.Count);
    }

    [Fact]
    public async Task NoCacheRequest_BypassesBothCaches()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        await Ask.AskAsync(client, Ask.Json(Question));

        var (_, exact) = await Ask.AskAsync(client, Ask.Json(Question), noCache: true);
        var (_, similar) = await Ask.AskAsync(client, Ask.Json(Paraphrase), noCache: true);

        Assert.Equal("miss", exact);
        Assert.Equal("miss", similar);
        Assert.Equal(3, _app.Router.Requests.Count);
    }

    [Fact]
    public async Task EmbeddingsDown_IsAMiss_AndTheQuestionIsStillAnswered()
    {
        using var client = _app.CreateClient(ScriptedApp.NewTenant());
        _app.Rag.FailWith = 503;

        var first = await Ask.AskAsync(client, Ask.Json(Question));
        var second = await Ask.AskAsync(client, Ask.Json(Paraphrase));

        Assert.Equal(("The answer is forty-two.", "miss"), first);
        Assert.Equal(("The answer is forty-two.", "miss"), second);
        Assert.Equal(2, _app.Router.Requests.Count);
    }

    [Fact]
    public async Task RedisDown_IsAMiss_AndTheQuestionIsStillAnswered()
    {
        await using var factory = _app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:cache", "127.0.0.1:1,abortConnect=false,connectTimeout=500,syncTimeout=500,asyncTimeout=500")
            .UseSetting("EventBus:SpillPath", _app.NewSpillPath())
            .UseSetting("Logging:LogLevel:Default", "Critical"));
        using var client = ScriptedApp.CreateClient(factory, ScriptedApp.NewTenant());

        var first = await Ask.AskAsync(client, Ask.Json(Question));
        var second = await Ask.AskAsync(client, Ask.Json(Paraphrase));

        Assert.Equal(("The answer is forty-two.", "miss"), first);
        Assert.Equal(("The answer is forty-two.", "miss"), second);
    }

    [Fact]
    public async Task Bucket_KeepsOnlyTheNewestEntries_WithATtl_AndNoRawPersonalData()
    {
        await using var factory = _app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("Cache:Semantic:MaxEntriesPerBucket", "2")
            .UseSetting("EventBus:SpillPath", _app.NewSpillPath()));
        var tenant = ScriptedApp.NewTenant();
        using var client = ScriptedApp.CreateClient(factory, tenant);

        await Ask.AskAsync(client, Ask.Json($"Write to {FakeGuardrailService.Email} about the invoice"));
        await Ask.AskAsync(client, Ask.Json("Tell me a joke about cats"));
        await Ask.AskAsync(client, Ask.Json("What is the capital of France"));

        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: $"{SemanticCache.KeyPrefix}{{{tenant}}}:*").ToList();
        var bucket = Assert.Single(keys, k => (string)k! is { } name && name.Count(c => c == ':') == SemanticCache.KeyPrefix.Count(c => c == ':') + 1);
        Assert.Equal(2, await db.ListLengthAsync(bucket));
        var ttl = await db.KeyTimeToLiveAsync(bucket);
        Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromMinutes(10), $"TTL {ttl}");
        Assert.Equal(3, keys.Count - 1);
        foreach (var key in keys)
        {
            var values = await db.KeyTypeAsync(key) == RedisType.List
                ? (await db.ListRangeAsync(key)).Select(v => (string?)v)
                : [(string?)await db.StringGetAsync(key)];
            Assert.All(values, v => Assert.DoesNotContain(FakeGuardrailService.Email, v ?? ""));
        }
        Assert.DoesNotContain(FakeGuardrailService.Email, string.Concat(_app.Rag.EmbeddedTexts));
        Assert.Contains(_app.Rag.EmbeddedTexts, t => t.Contains("<email_1>", StringComparison.Ordinal));
    }
}

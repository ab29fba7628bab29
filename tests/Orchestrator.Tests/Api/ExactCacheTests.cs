using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>The exact cache: identical requests at temperature 0 are answered once, per tenant, masked in Redis.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class ExactCacheTests
{
    private readonly OrchestratorApp _app;

    public ExactCacheTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    /// <summary>A request no other test sends, so earlier tests cannot have filled its cache entry.</summary>
    private static string UniqueRequest(double? temperature = 0, bool stream = false)
    {
        var request = new Dictionary<string, object?>
        {
            ["model"] = "default",
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = $"Email {FakeGuardrailService.Email} about case {Guid.NewGuid():N}." } },
            ["stream"] = stream,
        };
        if (temperature is { } t)
        {
            request["temperature"] = t;
        }
        return JsonSerializer.Serialize(request);
    }

    private static async Task<string> AnswerOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    [Fact]
    public async Task IdenticalRequest_AfterAMiss_IsAHit_AndIsUnmaskedWithTheCurrentVault()
    {
        using var client = _app.CreateClient("tenant-cache");
        var json = UniqueRequest();

        var first = await Chat.PostAsync(client, json);
        var firstAnswer = await AnswerOfAsync(first);
        var second = await Chat.PostAsync(client, json);
        var secondAnswer = await AnswerOfAsync(second);

        Assert.Equal("miss", Chat.Header(first, AiAspireHeaders.Cache));
        Assert.Equal("exact", Chat.Header(second, AiAspireHeaders.Cache));
        Assert.Single(_app.Router.CompleteBodies);
        Assert.Equal($"Sure, I will write to {FakeGuardrailService.Email} today.", firstAnswer);
        Assert.Equal(firstAnswer, secondAnswer);
        Assert.Equal("0", Chat.Header(second, AiAspireHeaders.Cost));
        var outputs = _app.Guardrails.OutputRequests.ToList();
        Assert.Equal(2, outputs.Count);
        Assert.All(outputs, o => Assert.Equal(FakeRouterService.Answer, o.Text));
        Assert.All(outputs, o => Assert.Equal(FakeGuardrailService.VaultId, o.VaultId));
    }

    [Fact]
    public async Task Hit_IsReportedInTheInferenceEvent()
    {
        using var client = _app.CreateClient("tenant-cache-events");
        var json = UniqueRequest();
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        var second = await Chat.PostAsync(client, json);
        await AnswerOfAsync(second);
        var requestId = Chat.RequestId(second);

        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var entries = await Eventually.MatchesAsync(
            async () => (await db.StreamRangeAsync(Topics.InferenceEvents))
                .Select(e => JsonDocument.Parse((string)e["event"]!).RootElement.GetProperty("data").Clone()).ToList(),
            events => events.Any(e => e.GetProperty("requestId").GetString() == requestId),
            $"the event of {requestId} is on '{Topics.InferenceEvents}'");
        var @event = entries.Single(e => e.GetProperty("requestId").GetString() == requestId);
        Assert.True(@event.GetProperty("cacheHit").GetBoolean());
        Assert.Equal(0m, @event.GetProperty("costUsd").GetDecimal());
    }

    [Fact]
    public async Task Redis_HoldsNoRawEmail_InAnyKeyOrValue_AfterCaching()
    {
        using var client = _app.CreateClient("tenant-cache-pii");
        var json = UniqueRequest();
        await AnswerOfAsync(await Chat.PostAsync(client, json));
        Assert.Equal("exact", Chat.Header(await Chat.PostAsync(client, json), AiAspireHeaders.Cache));

        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").ToList();
        Assert.Contains(keys, k => k.ToString().StartsWith(ExactCache.KeyPrefix + "{tenant-cache-pii}:", StringComparison.Ordinal));
        foreach (var key in keys)
        {
            Assert.DoesNotContain(FakeGuardrailService.Email, key.ToString());
            var values = await db.KeyTypeAsync(key) switch
            {
                RedisType.String => [(string?)await db.StringGetAsync(key)],
                RedisType.Hash => (await db.HashGetAllAsync(key)).Select(e => (string?)e.Value),
                RedisType.List => (await db.ListRangeAsync(key)).Select(v => (string?)v),
                RedisType.Stream => (await db.StreamRangeAsync(key)).SelectMany(e => e.Values).Select(v => (string?)v.Value),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (string?)v),
                _ => Array.Empty<string?>(),
            };
            Assert.All(values, v => Assert.DoesNotContain(FakeGuardrailService.Email, v ?? ""));
        }
    }

    [Fact]
    public async Task NoCacheRequest_IsAnsweredAfresh_EvenWhenCached()
    {
        using var client = _app.CreateClient("tenant-cache-nocache");
        var json = UniqueRequest();
        await AnswerOfAsync(await Chat.PostAsync(client, json));

        using var request = new HttpRequestMessage(HttpMethod.Post, Chat.Path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.CacheControl = new() { NoCache = true };
        var fresh = await client.SendAsync(request);
        await AnswerOfAsync(fresh);
        var cached = await Chat.PostAsync(client, json);
        await AnswerOfAsync(cached);

        Assert.Equal("miss", Chat.Header(fresh, AiAspireHeaders.Cache));
        Assert.Equal("exact", Chat.Header(cached, AiAspireHeaders.Cache));
        Assert.Equal(2, _app.Router.CompleteBodies.Count);
    }

    [Fact]
    public async Task IdenticalRequest_OfAnotherTenant_IsAMiss()
    {
        using var tenantA = _app.CreateClient("tenant-cache-a");
        using var tenantB = _app.CreateClient("tenant-cache-b");
        var json = UniqueRequest();

        await AnswerOfAsync(await Chat.PostAsync(tenantA, json));
        var other = await Chat.PostAsync(tenantB, json);
        await AnswerOfAsync(other);

        Assert.Equal("miss", Chat.Header(other, AiAspireHeaders.Cache));
        Assert.Equal(2, _app.Router.CompleteBodies.Count);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(null)]
    public async Task NonZeroOrDefaultTemperature_IsNotCached(double? temperature)
    {
        using var client = _app.CreateClient("tenant-cache-warm");
        var json = UniqueRequest(temperature);

        await AnswerOfAsync(await Chat.PostAsync(client, json));
        var second = await Chat.PostAsync(client, json);
        await AnswerOfAsync(second);

        Assert.Equal("miss", Chat.Header(second, AiAspireHeaders.Cache));
        Assert.Equal(2, _app.Router.CompleteBodies.Count);
    }

    [Fact]
    public async Task StreamedRequest_IsCachedOnceComplete_AndReplayedAsAStream()
    {
        using var client = _app.CreateClient("tenant-cache-stream");
        var json = UniqueRequest(stream: true);

        var caches = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var response = await Chat.PostAsync(client, json);
            var data = Chat.DataOf(await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("[DONE]", data[^1]);
            caches.Add(Chat.Header(response, AiAspireHeaders.Cache));
        }

        Assert.Equal(["miss", "exact"], caches);
        Assert.Single(_app.Router.CompleteBodies);
    }

    [Fact]
    public async Task RedisDown_IsAMiss_AndTheRequestIsStillAnswered()
    {
        // Nothing listens on port 1 of the loopback: every Redis call fails at once.
        await using var factory = _app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:cache", "127.0.0.1:1,abortConnect=false,connectTimeout=500,syncTimeout=500,asyncTimeout=500")
            .UseSetting("EventBus:SpillPath", _app.NewSpillPath())
            .UseSetting("Logging:LogLevel:Default", "Critical"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-cache-down");
        var json = UniqueRequest();

        for (var i = 0; i < 2; i++)
        {
            var response = await Chat.PostAsync(client, json);
            Assert.Equal($"Sure, I will write to {FakeGuardrailService.Email} today.", await AnswerOfAsync(response));
            Assert.Equal("miss", Chat.Header(response, AiAspireHeaders.Cache));
        }

        Assert.Equal(2, _app.Router.CompleteBodies.Count);
    }
}

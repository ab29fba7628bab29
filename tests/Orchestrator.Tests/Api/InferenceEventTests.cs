using System.Net;
using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.Orchestrator.Tests.Fakes;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>Every request publishes one InferenceCompleted on the Redis stream, carrying figures and masked data only.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class InferenceEventTests
{
    private readonly OrchestratorApp _app;

    public InferenceEventTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    /// <summary>The stream entry whose event is about <paramref name="requestId"/>, once it has landed.</summary>
    private async Task<(StreamEntry Entry, JsonElement Event)> EntryForAsync(string requestId)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var found = await Eventually.MatchesAsync(
            async () => (await db.StreamRangeAsync(Topics.InferenceEvents)).Select(e => (Entry: e, Event: DataOf(e))).ToList(),
            entries => entries.Any(e => e.Event.GetProperty("requestId").GetString() == requestId),
            $"the event of {requestId} is on '{Topics.InferenceEvents}'");
        return found.Single(e => e.Event.GetProperty("requestId").GetString() == requestId);
    }

    private static JsonElement DataOf(StreamEntry entry) =>
        JsonDocument.Parse((string)entry["event"]!).RootElement.GetProperty("data").Clone();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SuccessfulRequest_PublishesItsFigures_AndNoRawEmailAnywhereInTheEntry(bool stream)
    {
        using var client = _app.CreateClient("tenant-events");
        var response = await Chat.PostAsync(client, Chat.Request($"Write to {FakeGuardrailService.Email}", stream: stream));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (entry, @event) = await EntryForAsync(Chat.RequestId(response));

        Assert.Equal("ok", @event.GetProperty("status").GetString());
        Assert.Equal("tenant-events", @event.GetProperty("tenant").GetString());
        Assert.Equal(42, @event.GetProperty("tokensIn").GetInt32());
        Assert.Equal(7, @event.GetProperty("tokensOut").GetInt32());
        Assert.Equal(FakeRouterService.CostUsd, @event.GetProperty("costUsd").GetDecimal());
        Assert.Equal(FakeRouterService.Deployment, @event.GetProperty("deployment").GetString());
        Assert.Equal("fake", @event.GetProperty("provider").GetString());
        Assert.Equal(stream, @event.GetProperty("stream").GetBoolean());
        Assert.Equal(["EMAIL"], @event.GetProperty("guardFindings").EnumerateArray().Select(f => f.GetString()));
        Assert.False(@event.GetProperty("guardBlocked").GetBoolean());
        Assert.Equal(
            ["validate", "guard-input", "memory", "retrieve", "template", "token-budget", "infer", "guard-output", "format"],
            @event.GetProperty("stageLatencyMs").EnumerateObject().Select(p => p.Name));
        Assert.Equal("tenant-events", (string?)entry["key"]);
        Assert.All(entry.Values, field =>
        {
            Assert.DoesNotContain(FakeGuardrailService.Email, (string?)field.Value ?? "");
            Assert.DoesNotContain("jane.doe", (string?)field.Value ?? "");
        });
    }

    [Fact]
    public async Task GuardrailsDown_PublishesAnErrorEvent()
    {
        _app.Guardrails.FailWith = 503;
        using var client = _app.CreateClient("tenant-events");
        var response = await Chat.PostAsync(client, Chat.Request($"Write to {FakeGuardrailService.Email}"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);

        var (entry, @event) = await EntryForAsync(Chat.RequestId(response));

        Assert.Equal("error", @event.GetProperty("status").GetString());
        Assert.Equal(0, @event.GetProperty("tokensIn").GetInt32());
        Assert.All(entry.Values, field => Assert.DoesNotContain(FakeGuardrailService.Email, (string?)field.Value ?? ""));
    }

    [Fact]
    public async Task BlockedRequest_PublishesABlockedEvent()
    {
        _app.Guardrails.BlockReason = "policy";
        using var client = _app.CreateClient("tenant-events");
        var response = await Chat.PostAsync(client, Chat.Request($"Write to {FakeGuardrailService.Email}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var (_, @event) = await EntryForAsync(Chat.RequestId(response));

        Assert.Equal("blocked", @event.GetProperty("status").GetString());
        Assert.True(@event.GetProperty("guardBlocked").GetBoolean());
    }
}

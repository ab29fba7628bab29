using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Memory;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary><c>POST /api/chat</c>: conversations remembered per tenant, masked, answered through the pipeline.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class ChatApiTests
{
    private const string Path = "/api/chat";

    private static readonly string RestoredAnswer = $"Sure, I will write to {FakeGuardrailService.Email} today.";

    private readonly OrchestratorApp _app;

    public ChatApiTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Chat_WithoutConversationId_StartsOne_AndAnswersWithTheEmailRestored()
    {
        using var client = _app.CreateClient("tenant-chat");

        var reply = await OkAsync(await client.PostAsJsonAsync(Path, new { message = $"Write to {FakeGuardrailService.Email}" }));

        Assert.Matches("^conv-[0-9a-f]{32}$", reply.GetProperty("conversationId").GetString());
        Assert.Matches("^chatcmpl-[0-9a-f]{32}$", reply.GetProperty("responseId").GetString());
        Assert.Equal(RestoredAnswer, reply.GetProperty("answer").GetString());
        Assert.Equal(FakeRouterService.Deployment, reply.GetProperty("model").GetString());
        Assert.False(reply.TryGetProperty("citations", out _));
        var sent = Assert.Single(_app.Router.CompleteRequests);
        Assert.Equal([new RouterMessage("user", $"Write to {FakeGuardrailService.Placeholder}")], sent.Messages);
    }

    [Fact]
    public async Task Chat_ContinuingAConversation_SendsTheEarlierMaskedTurnsToTheRouter()
    {
        using var client = _app.CreateClient("tenant-chat");
        var first = await OkAsync(await client.PostAsJsonAsync(Path, new { message = $"Write to {FakeGuardrailService.Email}" }));
        var conversationId = first.GetProperty("conversationId").GetString();

        var second = await OkAsync(await client.PostAsJsonAsync(Path, new { conversationId, message = "And tomorrow?" }));

        Assert.Equal(conversationId, second.GetProperty("conversationId").GetString());
        Assert.NotEqual(first.GetProperty("responseId").GetString(), second.GetProperty("responseId").GetString());
        var requests = _app.Router.CompleteRequests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(
            [
                new RouterMessage("user", "Write to [EMAIL_1 from an earlier turn]"),
                new RouterMessage("assistant", FakeRouterService.Answer.Replace(FakeGuardrailService.Placeholder, "[EMAIL_1 from an earlier turn]", StringComparison.Ordinal)),
                new RouterMessage("user", "And tomorrow?"),
            ],
            requests[1].Messages);
        Assert.All(_app.Router.CompleteBodies, body => Assert.DoesNotContain(FakeGuardrailService.Email, body));
    }

    [Fact]
    public async Task Chat_KeepsOnlyMaskedTextInRedis()
    {
        using var client = _app.CreateClient("tenant-chat-pii");
        var reply = await OkAsync(await client.PostAsJsonAsync(Path, new { message = $"Write to {FakeGuardrailService.Email}" }));
        var conversationId = reply.GetProperty("conversationId").GetString();

        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var key = $"{ConversationStore.KeyPrefix}{{tenant-chat-pii}}:{conversationId}";
        var stored = (await redis.GetDatabase().ListRangeAsync(key))
            .Select(v => JsonSerializer.Deserialize(v.ToString(), ContractsJsonContext.Default.RouterMessage)!).ToList();

        const string retired = "[EMAIL_1 from an earlier turn]";
        Assert.Equal(
            [new RouterMessage("user", $"Write to {retired}"),
             new RouterMessage("assistant", FakeRouterService.Answer.Replace(FakeGuardrailService.Placeholder, retired, StringComparison.Ordinal))],
            stored);
        Assert.All(stored, m => Assert.DoesNotContain(FakeGuardrailService.Email, m.Content));
        Assert.True(await redis.GetDatabase().KeyTimeToLiveAsync(key) is { } ttl && ttl > TimeSpan.Zero);
    }

    [Fact]
    public async Task Chat_WhenTheTenantsPipelineOmitsMemory_AnswersEachMessageWithoutHistory_AndStoresNothing()
    {
        string[] steps = ["validate", "guard-input", "retrieve", "template", "token-budget", "infer", "guard-output", "format"];
        await using var factory = _app.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("EventBus:SpillPath", _app.NewSpillPath());
            for (var i = 0; i < steps.Length; i++)
            {
                builder.UseSetting($"Pipeline:Tenants:tenant-chat-stateless:Steps:{i}", steps[i]);
            }
        });
        using var client = OrchestratorApp.CreateClient(factory, "tenant-chat-stateless");

        var first = await OkAsync(await client.PostAsJsonAsync(Path, new { message = "Hello" }));
        var conversationId = first.GetProperty("conversationId").GetString();
        // Not a 404: without the memory step a conversation id is not looked up.
        var second = await OkAsync(await client.PostAsJsonAsync(Path, new { conversationId, message = "And tomorrow?" }));

        Assert.Equal(conversationId, second.GetProperty("conversationId").GetString());
        Assert.Equal(FakeRouterService.Answer, second.GetProperty("answer").GetString());
        var requests = _app.Router.CompleteRequests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal([new RouterMessage("user", "And tomorrow?")], requests[1].Messages);
        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"{ConversationStore.KeyPrefix}{{tenant-chat-stateless}}:{conversationId}"));
    }

    [Fact]
    public async Task Chat_AnAnswerTheOutputGuardCouldNotCheck_IsNotRemembered()
    {
        using var client = _app.CreateClient("tenant-chat-failed");
        var first = await OkAsync(await client.PostAsJsonAsync(Path, new { message = "Hello" }));
        var conversationId = first.GetProperty("conversationId").GetString();
        _app.Guardrails.OutputFailWith = 500;

        var failed = await client.PostAsJsonAsync(Path, new { conversationId, message = "Are you there?" });

        await Chat.AssertProblemAsync(failed, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Equal(2, _app.Router.CompleteRequests.Count());
        using var redis = await ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
        var stored = await redis.GetDatabase().ListRangeAsync($"{ConversationStore.KeyPrefix}{{tenant-chat-failed}}:{conversationId}");
        Assert.Equal(2, stored.Length);
    }

    [Fact]
    public async Task Chat_UnknownConversation_Is404()
    {
        using var client = _app.CreateClient("tenant-chat");

        var response = await client.PostAsJsonAsync(Path, new { conversationId = "conv-" + Guid.NewGuid().ToString("N"), message = "Hi" });

        await Chat.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Empty(_app.Router.CompleteBodies);
    }

    [Fact]
    public async Task Chat_AnotherTenantsConversation_Is404()
    {
        using var owner = _app.CreateClient("tenant-chat-owner");
        using var other = _app.CreateClient("tenant-chat-other");
        var reply = await OkAsync(await owner.PostAsJsonAsync(Path, new { message = "Hello" }));

        var response = await other.PostAsJsonAsync(Path, new { conversationId = reply.GetProperty("conversationId").GetString(), message = "Hi" });

        await Chat.AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
        Assert.Single(_app.Router.CompleteBodies);
    }

    [Theory]
    [InlineData("""{}""", ProblemTypes.Validation)]
    [InlineData("""{"message":"   "}""", ProblemTypes.Validation)]
    [InlineData("""{"message":"hi","rag":"sometimes"}""", ProblemTypes.Validation)]
    [InlineData("""{"message":"hi","conversationId":"not-an-id"}""", ProblemTypes.Validation)]
    [InlineData("""{"message":"hi","collection":"../etc"}""", ProblemTypes.Validation)]
    [InlineData("""{"message":42}""", ProblemTypes.InvalidJson)]
    [InlineData("""{"message":"hi" """, ProblemTypes.InvalidJson)]
    public async Task Chat_BadInput_Is400ProblemJson(string json, string type)
    {
        using var client = _app.CreateClient("tenant-chat");

        var response = await client.PostAsync(Path, new StringContent(json, Encoding.UTF8, "application/json"));

        await Chat.AssertProblemAsync(response, HttpStatusCode.BadRequest, type);
        Assert.Empty(_app.Router.CompleteBodies);
    }

    [Fact]
    public async Task Chat_RagOff_DoesNotRetrieve_RagOn_SearchesTheNamedCollectionAndCites()
    {
        using var client = _app.CreateClient("tenant-chat");
        _app.Rag.Chunks = [new RetrievedChunk("doc-1", "chunk-1", "Invoices are due in 30 days.", 0.9, "billing.md", "Terms")];

        await OkAsync(await client.PostAsJsonAsync(Path, new { message = "When are invoices due?", rag = "off" }));
        Assert.Empty(_app.Rag.RetrieveRequests);

        var reply = await OkAsync(await client.PostAsJsonAsync(Path, new { message = "When are invoices due?", rag = "on", collection = "billing" }));

        Assert.Equal("billing", Assert.Single(_app.Rag.RetrieveRequests).Collection);
        var citation = Assert.Single(reply.GetProperty("citations").EnumerateArray());
        Assert.Equal(1, citation.GetProperty("index").GetInt32());
        Assert.Equal("billing.md", citation.GetProperty("source").GetString());
        Assert.Equal("chunk-1", citation.GetProperty("chunkId").GetString());
    }

    [Fact]
    public async Task Chat_RagOn_WhenRetrievalIsDown_Is503_ButAutoStillAnswers()
    {
        using var client = _app.CreateClient("tenant-chat");
        _app.Rag.FailWith = 500;

        var required = await client.PostAsJsonAsync(Path, new { message = "When are invoices due?", rag = "on" });
        await Chat.AssertProblemAsync(required, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);

        await OkAsync(await client.PostAsJsonAsync(Path, new { message = "When are invoices due?", rag = "auto" }));
    }

    [Fact]
    public async Task Chat_RedisDown_ANewConversationIsStillAnswered_ButCannotBeContinued()
    {
        // Nothing listens on port 1 of the loopback: every Redis call fails at once.
        await using var factory = _app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:cache", "127.0.0.1:1,abortConnect=false,connectTimeout=500,syncTimeout=500,asyncTimeout=500")
            .UseSetting("EventBus:SpillPath", _app.NewSpillPath())
            .UseSetting("Logging:LogLevel:Default", "Critical"));
        using var client = OrchestratorApp.CreateClient(factory, "tenant-chat-down");

        var reply = await OkAsync(await client.PostAsJsonAsync(Path, new { message = $"Write to {FakeGuardrailService.Email}" }));
        Assert.Equal(RestoredAnswer, reply.GetProperty("answer").GetString());

        var next = await client.PostAsJsonAsync(Path, new { conversationId = reply.GetProperty("conversationId").GetString(), message = "And tomorrow?" });
        await Chat.AssertProblemAsync(next, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Single(_app.Router.CompleteBodies);
    }
}

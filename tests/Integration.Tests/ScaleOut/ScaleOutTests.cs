using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests.ScaleOut;

/// <summary>
/// Two gateways and two orchestrators behave as one: limits live in Redis, conversations in Redis, events on the bus
/// and in the worker's idempotent projections. Requests are sent to the replica each test names, so every test
/// really crosses replicas instead of hoping the proxy spreads them.
/// </summary>
[Collection(ScaleOutCollection.Name)]
public sealed class ScaleOutTests(ScaleOutFixture platform)
{
    private const string DevApiKey = "sk-aiaspire-dev";

    [Fact]
    public async Task EachReplica_ListensOnItsOwnPort_BehindTheSharedAddress()
    {
        Assert.Equal(ScaleOutFixture.Replicas, platform.GatewayReplicas.Count);
        Assert.Equal(ScaleOutFixture.Replicas, platform.OrchestratorReplicas.Count);
        Assert.Equal(ScaleOutFixture.Replicas, platform.GatewayReplicas.Select(r => r.Port).Distinct().Count());
        Assert.DoesNotContain(platform.GatewayAddress.Port, platform.GatewayReplicas.Select(r => r.Port));

        foreach (var address in platform.GatewayReplicas.Prepend(platform.GatewayAddress))
        {
            using var client = ScaleOutFixture.CreateClient(address, DevApiKey);
            var models = await client.GetAsync("/v1/models");
            Assert.True(models.StatusCode == HttpStatusCode.OK, $"{address}: {(int)models.StatusCode}");
        }
    }

    [Fact]
    public async Task RequestsPerMinute_HoldsAcrossGatewayReplicas()
    {
        const int Limit = 4;
        const int PerReplica = 6;
        var key = await CreateKeyAsync("scaleout-limits-" + Guid.NewGuid().ToString("N")[..8], ["chat"], new { requestsPerMinute = Limit });

        var clients = platform.GatewayReplicas.Select(r => ScaleOutFixture.CreateClient(r, key)).ToArray();
        try
        {
            var sends = Enumerable.Range(0, PerReplica * clients.Length)
                .Select(async i =>
                {
                    var replica = i % clients.Length;
                    var response = await clients[replica].PostAsJsonAsync("/v1/chat/completions", new
                    {
                        model = "local",
                        messages = new[] { new { role = "user", content = $"Request {i} against the shared limit." } },
                    });
                    return (Replica: replica, response.StatusCode, ContentType: response.Content.Headers.ContentType?.MediaType);
                })
                .ToArray();
            var results = await Task.WhenAll(sends);

            Assert.All(results, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"replica {r.Replica}: {(int)r.StatusCode}"));
            Assert.All(results.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests), r => Assert.Equal("application/problem+json", r.ContentType));
            // One limiter per replica would accept Limit on each (2 × Limit); the shared one accepts Limit in all.
            Assert.Equal(Limit, results.Count(r => r.StatusCode == HttpStatusCode.OK));
            for (var replica = 0; replica < clients.Length; replica++)
            {
                Assert.Equal(PerReplica, results.Count(r => r.Replica == replica));
                Assert.Contains(results, r => r.Replica == replica && r.StatusCode == HttpStatusCode.TooManyRequests);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Conversation_ContinuesAcrossOrchestratorReplicas()
    {
        var tenant = "scaleout-chat-" + Guid.NewGuid().ToString("N")[..8];
        var marker = Guid.NewGuid().ToString("N")[..8];
        var first = $"My project code is {marker}.";
        var second = $"Repeat my project code ({marker}-2).";
        var third = $"And once more ({marker}-3).";
        using var replicaA = platform.CreateOrchestratorClient(platform.OrchestratorReplicas[0], tenant, "key-a", "chat");
        using var replicaB = platform.CreateOrchestratorClient(platform.OrchestratorReplicas[1], tenant, "key-a", "chat");

        var turn1 = await ChatAsync(replicaA, null, first);
        var conversationId = turn1.GetProperty("conversationId").GetString();
        var turn2 = await ChatAsync(replicaB, conversationId, second);

        using var gateway = ScaleOutFixture.CreateClient(platform.GatewayAddress, await CreateKeyAsync(tenant, ["chat"], null));
        var turn3 = await ChatAsync(gateway, conversationId, third);

        Assert.Equal(conversationId, turn2.GetProperty("conversationId").GetString());
        Assert.Equal(conversationId, turn3.GetProperty("conversationId").GetString());
        Assert.Equal(FakeOpenAIServer.ReplyTo(second), turn2.GetProperty("answer").GetString());

        // What the model was sent on the second replica, and then through the gateway: the earlier turns, in order.
        var sentWithTurn2 = UpstreamMessages(second);
        Assert.Equal([("user", first), ("assistant", FakeOpenAIServer.ReplyTo(first)), ("user", second)], sentWithTurn2);
        var sentWithTurn3 = UpstreamMessages(third);
        Assert.Equal(
            [("user", first), ("assistant", FakeOpenAIServer.ReplyTo(first)), ("user", second), ("assistant", FakeOpenAIServer.ReplyTo(second)), ("user", third)],
            sentWithTurn3);
    }

    [Fact]
    public async Task Events_AreCountedOnce_WhicheverReplicasServedTheRequests()
    {
        var tenant = "scaleout-events-" + Guid.NewGuid().ToString("N")[..8];
        using var quality = ScaleOutFixture.CreateClient(platform.GatewayAddress, await CreateKeyAsync(tenant, ["chat", "quality"], null));
        var key = await CreateKeyAsync(tenant, ["chat"], null);

        // Through each gateway replica (and the orchestrator proxy behind them), and straight to each orchestrator replica.
        var clients = platform.GatewayReplicas.Select(r => ScaleOutFixture.CreateClient(r, key))
            .Concat(platform.OrchestratorReplicas.Select(r => platform.CreateOrchestratorClient(r, tenant, "key-events", "chat")))
            .ToArray();
        var made = 0;
        try
        {
            foreach (var client in clients)
            {
                for (var i = 0; i < 2; i++)
                {
                    var response = await client.PostAsJsonAsync("/v1/chat/completions", new
                    {
                        model = "local",
                        messages = new[] { new { role = "user", content = $"Count request {made} once." } },
                    });
                    Assert.True(response.StatusCode == HttpStatusCode.OK,
                        $"{client.BaseAddress}: {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    made++;
                }
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        await Eventually.MatchesAsync(() => TotalRequestsAsync(quality), n => n >= made, $"the summary counts {made} requests", TimeSpan.FromSeconds(90));

        // A last request after the others: once it is counted, every event published before it has been handled too
        // (one stream, handled in order), so a duplicate would already show.
        var last = await quality.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "local",
            messages = new[] { new { role = "user", content = "The last request." } },
        });
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        made++;
        var counted = await Eventually.MatchesAsync(() => TotalRequestsAsync(quality), n => n >= made, $"the summary counts {made} requests", TimeSpan.FromSeconds(90));

        Assert.Equal(made, counted);
    }

    private async Task<string> CreateKeyAsync(string tenant, string[] scopes, object? limits)
    {
        using var admin = ScaleOutFixture.CreateClient(platform.GatewayReplicas[0], DevApiKey);
        var response = await admin.PostAsJsonAsync("/api/keys", new { tenant, name = "scale-out", scopes, limits });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    private static async Task<JsonElement> ChatAsync(HttpClient client, string? conversationId, string message)
    {
        var response = await client.PostAsJsonAsync("/api/chat", new { conversationId, message, model = ScaleOutFixture.FakeDeployment, rag = "off" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The messages the fake model received in the request whose last user message was <paramref name="lastUser"/>.</summary>
    private List<(string Role, string Content)> UpstreamMessages(string lastUser)
    {
        foreach (var body in platform.Upstream.RequestBodies)
        {
            var messages = JsonDocument.Parse(body).RootElement.GetProperty("messages").EnumerateArray()
                .Select(m => (m.GetProperty("role").GetString()!, Text(m.GetProperty("content"))))
                .Where(m => m.Item1 != "system")
                .ToList();
            if (messages.Count > 0 && messages[^1] == ("user", lastUser))
            {
                return messages;
            }
        }
        Assert.Fail($"The model never received '{lastUser}'.");
        return [];
    }

    /// <summary>A message's content: a string, or an array of text parts.</summary>
    private static string Text(JsonElement content) =>
        content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));

    private static async Task<long> TotalRequestsAsync(HttpClient client)
    {
        var summary = await client.GetFromJsonAsync<JsonElement>("/api/quality/summary");
        return summary.GetProperty("total").GetProperty("requests").GetInt64();
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using AiAspire.Gateway.RateLimiting;
using AiAspire.TestKit;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Streams are settled from what passes through the gateway: the usage chunk or the orchestrator's usage comment
/// settles the token reservation, the comment's cost is charged to the budget — also when the stream is cut off or the
/// client goes away.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class StreamSettlementTests
{
    private readonly GatewayApp _app;

    public StreamSettlementTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task StreamCost_FromTheUsageComment_IsChargedToTheMonthlyBudget()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Budget:MonthlyUsdPerKey"] = "0.002",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "stream-budget", scopes = new[] { "chat" } });

        var first = await client.SendAsync(Stream(key.Key, maxTokens: 100, cost: "0.0015"));
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await client.SendAsync(Stream(key.Key, maxTokens: 100, cost: "0.0015"));
        await second.Content.ReadAsStringAsync();
        var third = await client.SendAsync(Stream(key.Key, maxTokens: 100, cost: "0.0015"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // Passed through untouched: SSE clients ignore the comment.
        Assert.Contains(": aiaspire-usage {\"cost_usd\":0.0015}\n\ndata: [DONE]", firstBody);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var problem = await Proxy.AssertProblemAsync(third, HttpStatusCode.TooManyRequests, RateLimitMiddleware.BudgetExhaustedType);
        Assert.Contains("monthly budget of 0.002 USD", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task StreamTokens_FromTheUsageComment_SettleTheReservation_WithoutAUsageChunk()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "1000",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "stream-comment-tokens", scopes = new[] { "chat" } });

        // 600 reserved and 10 used: the second fits only if the first was settled from the comment.
        var first = await client.SendAsync(Stream(key.Key, maxTokens: 600, usage: 10, usageIn: "comment"));
        await first.Content.ReadAsStringAsync();
        var second = await client.SendAsync(Stream(key.Key, maxTokens: 600, usage: 600, usageIn: "comment"));
        await second.Content.ReadAsStringAsync();
        var third = await client.SendAsync(Stream(key.Key, maxTokens: 600));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await Proxy.AssertProblemAsync(third, HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
    }

    [Fact]
    public async Task StreamCutOffAfterItsUsage_IsStillSettledAndCharged()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "1000",
            ["Gateway:RateLimits:Budget:MonthlyUsdPerKey"] = "0.001",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "stream-cut-after", scopes = new[] { "chat" } });

        await ReadCutStreamAsync(client, Stream(key.Key, maxTokens: 600, usage: 10, usageIn: "comment", cost: "0.001", cut: "after-usage"), ": aiaspire-usage");

        // Charged: the budget is spent, though the stream never reached its [DONE].
        var refused = await Eventually.MatchesAsync(
            () => client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key)),
            r => r.StatusCode == HttpStatusCode.TooManyRequests, "the cut stream's cost is charged");
        await Proxy.AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, RateLimitMiddleware.BudgetExhaustedType);
    }

    [Fact]
    public async Task StreamCutOffBeforeItsUsage_FreesTheSlot_AndTheReservationStands()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "1000",
            ["Gateway:RateLimits:Concurrency:PerKey"] = "1",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "stream-cut-before", scopes = new[] { "chat" } });

        await ReadCutStreamAsync(client, Stream(key.Key, maxTokens: 600, cut: "before-usage"), "part 2");

        // The slot is freed (a request without tokens passes) ...
        await Eventually.HoldsAsync(async () => (await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))).StatusCode == HttpStatusCode.OK,
            "the cut stream's concurrency slot is freed");
        // ... and, nothing having been reported, its 600 tokens stay reserved: another 600 do not fit in 1000.
        var problem = await Proxy.AssertProblemAsync(await client.SendAsync(Stream(key.Key, maxTokens: 600)),
            HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
        Assert.Contains("tokens per minute", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task StreamCancelledByTheClient_FreesItsSlot()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "100000",
            ["Gateway:RateLimits:Concurrency:PerKey"] = "1",
        }));
        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "stream-cancelled", scopes = new[] { "chat" } });
        var gate = "cancel-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var request = Stream(key.Key, maxTokens: 100, hold: gate))
            using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await using var body = await response.Content.ReadAsStreamAsync();
                var first = new byte[16];
                Assert.True(await body.ReadAsync(first) > 0);
                // The stream is held open by the backend: the slot is taken.
                await Proxy.AssertProblemAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key)),
                    HttpStatusCode.TooManyRequests, RateLimitMiddleware.RateLimitedType);
            }

            // The client went away mid-stream (the backend never finished): the slot is freed all the same.
            await Eventually.HoldsAsync(async () => (await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: key.Key))).StatusCode == HttpStatusCode.OK,
                "the cancelled stream's concurrency slot is freed");
        }
        finally
        {
            _app.Backends["orchestrator"].Open(gate);
        }
    }

    /// <summary>Reads the stream until <paramref name="lastLine"/> has arrived, then has the backend cut it off.</summary>
    private async Task ReadCutStreamAsync(HttpClient client, HttpRequestMessage request, string lastLine)
    {
        var gate = "cut-" + Guid.NewGuid().ToString("N");
        request.Headers.Add("x-test-cut-gate", gate);
        try
        {
            using (request)
            using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                while (await reader.ReadLineAsync() is { } line && !line.Contains(lastLine, StringComparison.Ordinal))
                {
                }
                _app.Backends["orchestrator"].Open(gate);
                try
                {
                    Assert.DoesNotContain("[DONE]", await reader.ReadToEndAsync());
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    // The gateway passes the cut on: the client sees the stream break.
                }
            }
        }
        finally
        {
            _app.Backends["orchestrator"].Open(gate);
        }
    }

    private static HttpRequestMessage Stream(string key, int maxTokens, long? usage = null, string? usageIn = null, string? cost = null,
        string? cut = null, string? hold = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"gpt-4o-mini","max_tokens":{{maxTokens}},"stream":true,"messages":[{"role":"user","content":"Hello there"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        request.Headers.Add("x-test-stream", "1");
        if (usage is not null)
        {
            request.Headers.Add("x-test-usage", usage.Value.ToString(CultureInfo.InvariantCulture));
        }
        foreach (var (name, value) in new[] { ("x-test-usage-in", usageIn), ("x-test-stream-cost", cost), ("x-test-cut", cut), ("x-test-hold", hold) })
        {
            if (value is not null)
            {
                request.Headers.Add(name, value);
            }
        }
        return request;
    }
}

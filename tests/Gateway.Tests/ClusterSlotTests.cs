using System.Net;
using System.Text;
using AiAspire.TestKit;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Redis Cluster runs a script or a transaction only when all its keys hash to one slot. Every command the gateway
/// sends is watched (MONITOR) while it uses every feature that touches Redis, and the slots of each script's and each
/// transaction's keys are computed: a new key without the tenant's hash tag fails here, not in production.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ClusterSlotTests
{
    private readonly GatewayApp _app;

    public ClusterSlotTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public void Slot_FollowsTheRedisClusterSpecification()
    {
        Assert.Equal(0x31C3, RedisClusterSlot.Crc16("123456789"u8));
        Assert.Equal(12182, RedisClusterSlot.Of("foo"));
        Assert.Equal(11058, RedisClusterSlot.Of("somekey"));
        Assert.Equal(2515, RedisClusterSlot.Of("foo{hash_tag}"));
        Assert.Equal(RedisClusterSlot.Of("hash_tag"), RedisClusterSlot.Of("foo{hash_tag}"));
        Assert.Equal(RedisClusterSlot.Of("{user1000}.following"), RedisClusterSlot.Of("{user1000}.followers"));
        Assert.Equal(RedisClusterSlot.Crc16("foo{}{bar}"u8) % 16384, RedisClusterSlot.Of("foo{}{bar}"));
    }

    [Fact]
    public async Task EveryScriptAndTransaction_TheGatewaySends_KeepsItsKeysInOneSlot()
    {
        await using var monitor = await RedisMonitor.StartAsync(_app.Redis.Port);
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: GatewayApp.EveryLimitOn));

        var key = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "slots", scopes = new[] { "chat" } });
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Keys.Request(HttpMethod.Put, $"/api/keys/{key.Id}/limits", GatewayApp.DevKey, new { requestsPerMinute = 50 }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Keys.Request(HttpMethod.Put, "/api/tenants/slots/limits", GatewayApp.DevKey, new { tokensPerMinute = 50000 }))).StatusCode);
        foreach (var stream in new[] { false, true })
        {
            using var chat = Chat(key.Key, stream);
            var response = await client.SendAsync(chat);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
        }
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(Keys.Request(HttpMethod.Delete, $"/api/keys/{key.Id}", GatewayApp.DevKey))).StatusCode);
        // Settling happens after the response: wait until the last request's settlement (it charges the budgets) has run,
        // then for a marker. Each request takes its limits in one script and settles them in another.
        var marker = "aiaspire:test:marker:" + Guid.NewGuid().ToString("N");
        await Eventually.HoldsAsync(async () =>
        {
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_app.Redis.ConnectionString);
            await redis.GetDatabase().StringGetAsync(marker);
            return monitor.Commands.Any(c => c.Args is ["GET", var k] && k == marker)
                && monitor.Commands.Count(c => IsScript(c.Args) && c.Args.Skip(3).Any(a => a.StartsWith("aiaspire:budget:", StringComparison.Ordinal))) >= 4;
        }, "MONITOR has seen the whole scenario");

        var commands = monitor.Commands.ToList();
        var scripts = commands.Where(c => IsScript(c.Args)).Select(c => c.Args.Skip(3).Take(int.Parse(c.Args[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        var transactions = Transactions(commands);

        Assert.All(scripts.Concat(transactions), keys =>
            Assert.True(keys.Select(RedisClusterSlot.Of).Distinct().Count() <= 1, $"keys in more than one slot: {string.Join(", ", keys)}"));
        // The checks saw what they are meant to: the full acquire script (8 limits) and the key store's transactions.
        Assert.Contains(scripts, keys => keys.Length == 8);
        Assert.True(transactions.Count(keys => keys.Distinct().Count() >= 2) >= 3, $"{transactions.Count} transactions seen");
    }

    private static bool IsScript(string[] args) => args.Length >= 3 && (args[0].Equals("EVAL", StringComparison.OrdinalIgnoreCase) || args[0].Equals("EVALSHA", StringComparison.OrdinalIgnoreCase));

    /// <summary>The keys of each WATCH … MULTI … EXEC block, per client connection.</summary>
    private static List<string[]> Transactions(List<(string Client, string[] Args)> commands)
    {
        var open = new Dictionary<string, List<string>>();
        var blocks = new List<string[]>();
        foreach (var (client, args) in commands)
        {
            var name = args.Length == 0 ? "" : args[0].ToUpperInvariant();
            if (name is "WATCH" or "MULTI" && !open.ContainsKey(client))
            {
                open[client] = [];
            }
            if (!open.TryGetValue(client, out var keys))
            {
                continue;
            }
            switch (name)
            {
                case "WATCH":
                    keys.AddRange(args.Skip(1));
                    break;
                case "EXEC" or "DISCARD" or "UNWATCH":
                    blocks.Add([.. keys]);
                    open.Remove(client);
                    break;
                case "MULTI" or "PING" or "ECHO":
                    break;
                default:
                    if (args.Length > 1)
                    {
                        keys.Add(args[1]);
                    }
                    break;
            }
        }
        return blocks;
    }

    private static HttpRequestMessage Chat(string key, bool stream)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"gpt-4o-mini","max_tokens":100,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hello"}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        request.Headers.Add("x-test-usage", "20");
        if (stream)
        {
            request.Headers.Add("x-test-stream", "1");
            request.Headers.Add("x-test-usage-in", "comment");
            request.Headers.Add("x-test-stream-cost", "0.0001");
        }
        else
        {
            request.Headers.Add("x-test-cost", "0.0001");
        }
        return request;
    }
}

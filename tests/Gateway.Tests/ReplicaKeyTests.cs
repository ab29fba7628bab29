using System.Diagnostics;
using System.Net;
using AiAspire.Contracts;
using AiAspire.TestKit;

namespace AiAspire.Gateway.Tests;

/// <summary>Stored keys across gateway replicas sharing one Redis, and while Redis is gone.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ReplicaKeyTests
{
    private readonly GatewayApp _app;

    public ReplicaKeyTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task KeyRevokedOnOneReplica_StopsWorkingOnTheOther_WithinOneSecond()
    {
        using var a = _app.CreateClient();
        using var b = GatewayApp.CreateClient(_app.CreateReplica());
        var created = await Keys.CreateAsync(a, GatewayApp.DevKey, new { tenant = "replicated", scopes = new[] { "chat" } });
        // Both replicas now hold the key in their local caches (trusted for 30 s without asking Redis).
        await Proxy.AssertProxiedAsync(await a.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key)));
        await Proxy.AssertProxiedAsync(await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key)));

        Assert.Equal(HttpStatusCode.NoContent, (await a.SendAsync(Keys.Request(HttpMethod.Delete, $"/api/keys/{created.Id}", GatewayApp.DevKey))).StatusCode);
        var clock = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            status = (await b.SendAsync(Proxy.Request("GET", "/v1/models", bearer: created.Key))).StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                break;
            }
            await Task.Delay(20);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"revocation took {clock.ElapsedMilliseconds} ms to reach the other replica");
    }

    [Fact]
    public async Task RedisDown_CachedKeysKeepWorking_UncachedKeysGet503_BootstrapKeyWorks()
    {
        var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            using var client = GatewayApp.CreateClient(_app.CreateReplica(redis.ConnectionString));
            var cached = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "resilient", scopes = new[] { "chat" } });
            var uncached = await Keys.CreateAsync(client, GatewayApp.DevKey, new { tenant = "resilient", scopes = new[] { "chat" } });
            await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: cached.Key)));

            redis.Stop();

            await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: cached.Key)));
            await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.DevKey)));
            var response = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: uncached.Key));
            await Proxy.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }
}

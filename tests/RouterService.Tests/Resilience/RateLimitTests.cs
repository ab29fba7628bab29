using AiAspire.RouterService.SharedState;
using AiAspire.TestKit;
using Microsoft.Extensions.DependencyInjection;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Resilience;

/// <summary>
/// rpm/tpm limits per deployment: a deployment at its limit for the current minute is skipped, with the reason, and the
/// plan falls back; counters are shared through Redis across replicas, and kept in process without it.
/// </summary>
public sealed class RateLimitTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private static Task<ResilientRouter> StartAsync(string limited, string spare, Dictionary<string, string> settings) =>
        ResilientRouter.StartAsync([(limited, new ScriptedOpenAIServer(limited)), (spare, new ScriptedOpenAIServer(spare))], settings);

    private static async Task<IReadOnlyList<string>> ServedByAsync(ResilientRouter router, int requests)
    {
        using var client = router.CreateClient();
        var served = new List<string>();
        for (var i = 0; i < requests; i++)
        {
            served.Add((await CompleteAsync(client, Ask("chain", "hello"))).Route.Deployment);
        }
        return served;
    }

    private static async Task SharedStateReadyAsync(ResilientRouter router) =>
        await Eventually.HoldsAsync(() => router.Services.GetRequiredService<RouterRedis>().Database is not null, "the router reached Redis");

    [Fact]
    public async Task Complete_RpmReached_SkipsTheDeploymentWithTheReasonUntilTheNextMinute()
    {
        var (limited, spare) = (Unique("a"), Unique("b"));
        await using var router = await StartAsync(limited, spare, new() { [$"Catalog:Deployments:{limited}:RequestsPerMinute"] = "2" });
        using var client = router.CreateClient();

        Assert.Equal([limited, limited], await ServedByAsync(router, 2));
        var third = await CompleteAsync(client, Ask("chain", "hello"));
        router.Clock.Advance(TimeSpan.FromMinutes(1));
        var nextMinute = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.Equal(spare, third.Route.Deployment);
        Assert.Equal(new Contracts.Router.RouteAttempt(limited, "skipped", 0, "rpm limit 2 reached"), third.Route.Attempts[0]);
        Assert.Equal(limited, nextMinute.Route.Deployment);
    }

    [Fact]
    public async Task Complete_TpmReached_CountsTheProvidersUsageAndSkips()
    {
        // Each answer of the scripted upstream uses 14 tokens: the second call reaches 28 ≥ 20.
        var (limited, spare) = (Unique("a"), Unique("b"));
        await using var router = await StartAsync(limited, spare, new() { [$"Catalog:Deployments:{limited}:TokensPerMinute"] = "20" });

        var served = await ServedByAsync(router, 3);

        Assert.Equal([limited, limited, spare], served);
        using var client = router.CreateClient();
        var next = await CompleteAsync(client, Ask("chain", "hello"));
        Assert.Equal("tpm limit 20 reached", next.Route.Attempts[0].Error);
    }

    [Fact]
    public async Task Complete_TwoReplicasSharingRedis_CountAgainstOneLimit()
    {
        var (limited, spare) = (Unique("a"), Unique("b"));
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:cache"] = redis.ConnectionString,
            [$"Catalog:Deployments:{limited}:RequestsPerMinute"] = "3",
        };
        var upstreamA = new ScriptedOpenAIServer(limited);
        var upstreamB = new ScriptedOpenAIServer(spare);
        await using var first = await ResilientRouter.StartAsync([(limited, upstreamA), (spare, upstreamB)], settings);
        await using var second = await ResilientRouter.StartAsync([(limited, new ScriptedOpenAIServer(limited)), (spare, new ScriptedOpenAIServer(spare))],
            new(settings)
            {
                // The second replica's deployments are the same ones, at the same upstreams.
                [$"Catalog:Deployments:{limited}:Endpoint"] = upstreamA.Endpoint,
                [$"Catalog:Deployments:{spare}:Endpoint"] = upstreamB.Endpoint,
            });
        await SharedStateReadyAsync(first);
        await SharedStateReadyAsync(second);

        var served = new List<string>();
        served.AddRange(await ServedByAsync(first, 2));
        served.AddRange(await ServedByAsync(second, 2));
        served.AddRange(await ServedByAsync(first, 1));

        Assert.Equal([limited, limited, limited, spare, spare], served);
        Assert.Equal(3, upstreamA.Requests);
    }

    [Fact]
    public async Task Complete_RedisGoesDown_RequestsStillSucceedAndTheLimitHoldsInProcess()
    {
        var outage = new RedisServer();
        await outage.InitializeAsync();
        var (limited, spare) = (Unique("a"), Unique("b"));
        await using var router = await StartAsync(limited, spare, new()
        {
            ["ConnectionStrings:cache"] = outage.ConnectionString,
            [$"Catalog:Deployments:{limited}:RequestsPerMinute"] = "1",
        });
        await SharedStateReadyAsync(router);
        Assert.Equal([limited], await ServedByAsync(router, 1));

        await outage.DisposeAsync();
        var served = await ServedByAsync(router, 2);

        // Redis counted the first call; the router now counts alone, from zero, and still stops at the limit.
        Assert.Equal([limited, spare], served);
    }

    [Fact]
    public async Task Complete_NoRedisConfigured_LimitsHoldInProcess()
    {
        var (limited, spare) = (Unique("a"), Unique("b"));
        await using var router = await StartAsync(limited, spare, new() { [$"Catalog:Deployments:{limited}:RequestsPerMinute"] = "1" });

        Assert.Equal([limited, spare, spare], await ServedByAsync(router, 3));
        Assert.Null(router.Services.GetRequiredService<RouterRedis>().Database);
    }
}

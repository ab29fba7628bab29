using System.Net;
using System.Net.Http.Json;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Faults;

[Collection(FaultsCollection.Name)]
public sealed class RedisFaultTests(FaultsFixture platform, ITestOutputHelper output)
{
    /// <summary>Has a concurrency limit, which fails open (the default): its requests go on while Redis is down.</summary>
    private const string OpenTenant = "fault-redis";

    /// <summary>Has a requests-per-minute limit, which this app fails closed: refused with 503 while Redis is down.</summary>
    private const string StrictTenant = "fault-strict";

    [Fact]
    public async Task RedisStoppedAndRestarted_InferenceContinues_LimitsFollowTheirMode_AndNoEventIsLost()
    {
        using (var operator_ = platform.CreateClient())
        {
            var open = await operator_.PutAsJsonAsync($"/api/tenants/{OpenTenant}/limits", new { concurrentRequests = 1_000 });
            Assert.True(open.IsSuccessStatusCode, await open.Content.ReadAsStringAsync());
            var strict = await operator_.PutAsJsonAsync($"/api/tenants/{StrictTenant}/limits", new { requestsPerMinute = 100_000 });
            Assert.True(strict.IsSuccessStatusCode, await strict.Content.ReadAsStringAsync());
        }
        using var client = platform.CreateClient(OpenTenant);
        using var strictClient = platform.CreateClient(StrictTenant);
        static HttpRequestMessage Request(int i) => FaultRequests.Completion("local", $"Request {i}: does inference survive a Redis outage?");

        await using var run = new FaultRun(platform, output, "redis-stopped", "cache");
        var warm = await run.SendAsync(client, Request(0));
        Assert.True(warm.Status == HttpStatusCode.OK, warm.ToString());
        var strictWarm = await BackgroundLoad.SendAsync(strictClient, Request(1));
        Assert.True(strictWarm.Status == HttpStatusCode.OK, strictWarm.ToString());

        var load = BackgroundLoad.Start(client, Request);
        await load.RunsOnAsync(4, "the load is flowing");

        await run.InjectAsync(graceful: true);
        var strictOutcomes = new List<LoadOutcome> { strictWarm };
        var next = 10_000;
        var refused = await Eventually.MatchesAsync(async () =>
            {
                var outcome = await BackgroundLoad.SendAsync(strictClient, Request(next++));
                strictOutcomes.Add(outcome);
                return outcome;
            },
            o => o.IsProblem(HttpStatusCode.ServiceUnavailable), "the fail-closed limit refuses", FaultsFixture.RestartTimeout);
        Assert.Contains("cannot be checked", refused.Body, StringComparison.Ordinal);
        var during = await run.SendAsync(client, Request(next++));
        Assert.True(during.Status == HttpStatusCode.OK, during.ToString());
        // The orchestrator's events now wait in its spill file, not in memory.
        await Eventually.HoldsAsync(() => platform.SpilledBytes("orchestrator") > 0, "the orchestrator spilled events to disk", FaultsFixture.RestartTimeout);
        await load.RunsOnAsync(10, "the load ran on during the outage");

        await run.RecoverAsync();
        await Eventually.MatchesAsync(async () =>
            {
                var outcome = await BackgroundLoad.SendAsync(strictClient, Request(next++));
                strictOutcomes.Add(outcome);
                return outcome;
            },
            o => o.Status == HttpStatusCode.OK, "the fail-closed limit admits again", FaultsFixture.RestartTimeout);
        await load.RunsOnAsync(4, "the load ran on after the restart");

        var all = run.All(await load.StopAsync());
        var counted = await run.CountAsync(client, all, uncountedRequests: strictOutcomes.Count);

        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK, o.ToString()));
        Assert.All(strictOutcomes, o => Assert.True(o.Status == HttpStatusCode.OK || o.IsProblem(HttpStatusCode.ServiceUnavailable), o.ToString()));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }
}

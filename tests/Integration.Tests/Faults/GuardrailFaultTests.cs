using System.Net;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Faults;

[Collection(FaultsCollection.Name)]
public sealed class GuardrailFaultTests(FaultsFixture platform, ITestOutputHelper output)
{
    private const string Tenant = "fault-guard";

    [Fact]
    public async Task GuardrailServiceStoppedUnderLoad_FailsClosedWith503_AndRecoversWithoutRestartingTheOrchestrator()
    {
        using var client = platform.CreateClient(Tenant);
        // Every prompt carries an address the input guard masks: if one reached the model unchecked, the upstream would see it.
        var address = $"jane.{Guid.NewGuid():N}@example.com";
        HttpRequestMessage Request(int i) => FaultRequests.Completion(WholeApp.FakeDeployment, $"Request {i}: please write to {address} about the outage.");

        await using var run = new FaultRun(platform, output, "guardrails-stopped", "guardrailservice");
        var warm = await run.SendAsync(client, Request(0));
        Assert.True(warm.Status == HttpStatusCode.OK, warm.ToString());

        var load = BackgroundLoad.Start(client, Request);
        await Eventually.HoldsAsync(() => load.Answered >= 4, "the load is flowing", FaultsFixture.RestartTimeout);

        await run.InjectAsync();
        var refused = await run.SendAsync(client, Request(10_001));
        Assert.True(refused.IsProblem(HttpStatusCode.ServiceUnavailable), refused.ToString());
        var answeredAtStop = load.Answered;
        await Eventually.HoldsAsync(() => load.Answered >= answeredAtStop + 10, "the load ran on during the outage", FaultsFixture.RestartTimeout);

        await run.RecoverAsync();
        var next = 20_000;
        await Eventually.MatchesAsync(() => run.SendAsync(client, Request(next++)), o => o.Status == HttpStatusCode.OK,
            "a request succeeds again", FaultsFixture.RestartTimeout);
        var answeredAtRecovery = load.Answered;
        await Eventually.HoldsAsync(() => load.Answered >= answeredAtRecovery + 4, "the load ran on after the restart", FaultsFixture.RestartTimeout);

        var all = run.All(await load.StopAsync());
        var counted = await FeedbackTotals.SettledAsync(platform, client, all.Count);
        run.Counted(all.Count, Math.Max(0, all.Count - counted));

        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK || o.IsProblem(HttpStatusCode.ServiceUnavailable), o.ToString()));
        Assert.DoesNotContain(platform.Upstream.RequestBodies, body => body.Contains(address, StringComparison.Ordinal));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }
}

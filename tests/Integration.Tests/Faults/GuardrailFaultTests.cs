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
        await load.RunsOnAsync(4, "the load is flowing");

        await run.InjectAsync();
        var refused = await run.SendAsync(client, Request(10_001));
        Assert.True(refused.IsProblem(HttpStatusCode.ServiceUnavailable), refused.ToString());
        await load.RunsOnAsync(10, "the load ran on during the outage");

        await run.RecoverAsync();
        await run.SendUntilAsync(client, Request, o => o.Status == HttpStatusCode.OK, "a request succeeds again");
        await load.RunsOnAsync(4, "the load ran on after the restart");

        var all = run.All(await load.StopAsync());
        var counted = await run.CountAsync(client, all);

        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK || o.IsProblem(HttpStatusCode.ServiceUnavailable), o.ToString()));
        Assert.DoesNotContain(platform.Upstream.RequestBodies, body => body.Contains(address, StringComparison.Ordinal));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }
}

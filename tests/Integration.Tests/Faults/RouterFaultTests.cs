using System.Net;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Faults;

[Collection(FaultsCollection.Name)]
public sealed class RouterFaultTests(FaultsFixture platform, ITestOutputHelper output)
{
    private const string Tenant = "fault-router";

    [Fact]
    public async Task RouterServiceStoppedUnderLoad_AnswersAClearProblem_AndRecovers()
    {
        using var client = platform.CreateClient(Tenant);
        static HttpRequestMessage Request(int i) => FaultRequests.Completion("local", $"Request {i}: is the router there?");

        await using var run = new FaultRun(platform, output, "router-stopped", "routerservice");
        var warm = await run.SendAsync(client, Request(0));
        Assert.True(warm.Status == HttpStatusCode.OK, warm.ToString());

        var load = BackgroundLoad.Start(client, Request);
        await load.RunsOnAsync(4, "the load is flowing");

        await run.InjectAsync();
        var refused = await run.SendAsync(client, Request(10_001));
        Assert.True(IsClearRefusal(refused), refused.ToString());
        await load.RunsOnAsync(10, "the load ran on during the outage");

        await run.RecoverAsync();
        await run.SendUntilAsync(client, Request, o => o.Status == HttpStatusCode.OK, "a request succeeds again");
        await load.RunsOnAsync(4, "the load ran on after the restart");

        var all = run.All(await load.StopAsync());
        var counted = await run.CountAsync(client, all);

        // Every request was answered (none hung into the client's timeout): a success or a clear 502/503 problem.
        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK || IsClearRefusal(o), o.ToString()));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }

    private static bool IsClearRefusal(LoadOutcome outcome) =>
        outcome.IsProblem(HttpStatusCode.BadGateway) || outcome.IsProblem(HttpStatusCode.ServiceUnavailable);
}

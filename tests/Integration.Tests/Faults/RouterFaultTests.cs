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
        await Eventually.HoldsAsync(() => load.Answered >= 4, "the load is flowing", FaultsFixture.RestartTimeout);

        await run.InjectAsync();
        var refused = await run.SendAsync(client, Request(10_001));
        Assert.True(IsClearRefusal(refused), refused.ToString());
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

        // Every request was answered (none hung into the client's timeout): a success or a clear 502/503 problem.
        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK || IsClearRefusal(o), o.ToString()));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }

    private static bool IsClearRefusal(LoadOutcome outcome) =>
        outcome.IsProblem(HttpStatusCode.BadGateway) || outcome.IsProblem(HttpStatusCode.ServiceUnavailable);
}

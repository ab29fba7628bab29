using System.Net;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Faults;

[Collection(FaultsCollection.Name)]
public sealed class FeedbackWorkerFaultTests(FaultsFixture platform, ITestOutputHelper output)
{
    private const string Tenant = "fault-feedback";

    [Fact]
    public async Task FeedbackWorkerStoppedMidBatch_CatchesUp_CountingEveryRequestExactlyOnce()
    {
        using var client = platform.CreateClient(Tenant);
        static HttpRequestMessage Request(int i) => FaultRequests.Completion("local", $"Request {i}: count me exactly once.");

        await using var run = new FaultRun(platform, output, "feedbackworker-stopped", "feedbackworker");
        var load = BackgroundLoad.Start(client, Request);
        // Stop it while it is projecting this tenant's events.
        await Eventually.HoldsAsync(async () => await FeedbackTotals.RequestsAsync(client) >= 4, "the worker is counting the load", FaultsFixture.RestartTimeout);

        await run.InjectAsync();
        var answeredAtStop = load.Answered;
        await Eventually.HoldsAsync(() => load.Answered >= answeredAtStop + 10, "events piled up while the worker was down", FaultsFixture.RestartTimeout);

        await run.RecoverAsync();
        var answeredAtRecovery = load.Answered;
        await Eventually.HoldsAsync(() => load.Answered >= answeredAtRecovery + 4, "the load ran on after the restart", FaultsFixture.RestartTimeout);

        var all = await load.StopAsync();
        var counted = await FeedbackTotals.SettledAsync(platform, client, all.Count);
        run.Counted(all.Count, Math.Max(0, all.Count - counted));

        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK, o.ToString()));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }
}

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
        await load.RunsOnAsync(10, "events piled up while the worker was down");

        await run.RecoverAsync();
        await load.RunsOnAsync(4, "the load ran on after the restart");

        var all = await load.StopAsync();
        var counted = await run.CountAsync(client, all);

        Assert.All(all, o => Assert.True(o.Status == HttpStatusCode.OK, o.ToString()));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }
}

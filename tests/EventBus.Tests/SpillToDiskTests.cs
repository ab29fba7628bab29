using System.Diagnostics;
using AiAspire.TestKit;

namespace AiAspire.EventBus.Tests;

/// <summary>Publishing loses nothing while the bus is down: the buffer spills to disk and is replayed in order.</summary>
public sealed class SpillToDiskTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private const int Load = 3_000;

    // A small memory buffer, so an outage under load overflows it onto disk.
    private static readonly Dictionary<string, string?> SmallBuffer = new() { ["EventBus:BufferCapacity"] = "64" };

    private readonly string _group = "g-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _prefix = "r-" + Guid.NewGuid().ToString("N")[..8] + "-";

    [Fact]
    public async Task RedisStoppedDuringALoadOfPublishes_EveryEventArrives_OnceEachAfterDedup_InPublishOrder()
    {
        var inbox = new Inbox();
        await using var bus = await BusHost.StartAsync(redis, _group, inbox, settings: SmallBuffer);
        var slowest = TimeSpan.Zero;
        var refused = 0;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Load; i++)
        {
            if (i == Load / 5)
            {
                // The test's redis-server keeps nothing across a restart: what it held is gone with it, which is
                // not the publisher's loss. So the outage starts once the consumer has caught up.
                await Eventually.HoldsAsync(() => inbox.Succeeded(_prefix).Count == Load / 5, "the events before the outage were handled");
                redis.Stop();
            }
            if (i == Load * 4 / 5)
            {
                await redis.StartAsync();
            }
            var publish = Stopwatch.StartNew();
            if (!bus.Publisher.Publish(SampleEvents.Inference(_prefix + i.ToString("D5"))))
            {
                refused++;
            }
            slowest = publish.Elapsed > slowest ? publish.Elapsed : slowest;
            if (i % 10 == 0)
            {
                await Task.Delay(1); // about 3 s of publishing, Redis down for the middle 60 % of the events
            }
        }
        clock.Stop();

        Assert.Equal(0, refused);
        Assert.True(slowest < TimeSpan.FromMilliseconds(500), $"the slowest publish took {slowest}");
        await Eventually.HoldsAsync(
            () => inbox.Succeeded(_prefix).Select(d => d.Context.EventId).Distinct().Count() == Load,
            $"all {Load} events arrived (got {inbox.Succeeded(_prefix).Select(d => d.Context.EventId).Distinct().Count()} so far, {inbox.Deliveries.Count} deliveries)", TimeSpan.FromSeconds(60));

        var handled = inbox.Succeeded(_prefix);
        var firstArrivals = handled.DistinctBy(d => d.Context.EventId).ToList();
        // Deduplicated by event id, each request is counted exactly once...
        Assert.Equal(Load, firstArrivals.Select(d => d.Event.RequestId).Distinct().Count());
        Assert.All(handled.GroupBy(d => d.Context.EventId), g => Assert.Single(g.Select(d => d.Event.RequestId).Distinct()));
        // ...and they first arrived in the order they were published.
        Assert.Equal(Enumerable.Range(0, Load).Select(i => _prefix + i.ToString("D5")), firstArrivals.Select(d => d.Event.RequestId));
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1), "the outage was too short to test anything");
        Assert.False(File.Exists(Path.Combine(bus.SpillPath, "events.spill")) && new FileInfo(Path.Combine(bus.SpillPath, "events.spill")).Length > 0,
            "the spill file was emptied after replay");
    }

    [Fact]
    public async Task EventsSpilledWhenTheServiceStopsDuringAnOutage_AreSentByItsNextStart()
    {
        var spillPath = BusHost.NewSpillPath();
        var inbox = new Inbox();
        redis.Stop();
        try
        {
            await using var bus = await BusHost.StartAsync(redis, _group, inbox, spillPath);
            for (var i = 0; i < 20; i++)
            {
                Assert.True(bus.Publisher.Publish(SampleEvents.Inference(_prefix + "restart-" + i.ToString("D2"))));
            }
        }
        finally
        {
            await redis.StartAsync();
        }
        Assert.True(new FileInfo(Path.Combine(spillPath, "events.spill")).Length > 0, "the unsent events were spilled at shutdown");
        Assert.Empty(inbox.Succeeded(_prefix));

        var afterRestart = new Inbox();
        await using var restarted = await BusHost.StartAsync(redis, _group, afterRestart, spillPath);

        await Eventually.HoldsAsync(
            () => afterRestart.Succeeded(_prefix).Select(d => d.Event.RequestId).Distinct().Count() == 20,
            "the 20 spilled events arrived after the restart", TimeSpan.FromSeconds(30));
        Assert.Equal(
            Enumerable.Range(0, 20).Select(i => _prefix + "restart-" + i.ToString("D2")),
            afterRestart.Succeeded(_prefix).DistinctBy(d => d.Context.EventId).Select(d => d.Event.RequestId));
    }
}

using AiAspire.Orchestrator.Caching;

namespace AiAspire.Orchestrator.Tests.Caching;

public sealed class GuardPolicyVersionsTests
{
    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    private static GuardPolicyVersions Versions(ManualClock clock) =>
        new(clock, new StaticOptionsMonitor<ExactCacheOptions>(new ExactCacheOptions { GuardPolicyMaxAge = TimeSpan.FromSeconds(10) }));

    [Fact]
    public void NothingObserved_IsNoVersion()
    {
        Assert.Null(Versions(new ManualClock()).Fresh());
    }

    [Fact]
    public void ObservedVersion_IsTrustedUntilItIsOlderThanTheMaxAge()
    {
        var clock = new ManualClock();
        var versions = Versions(clock);

        versions.Observe("v1");
        clock.Ticks += TimeSpan.FromSeconds(10).Ticks;
        Assert.Equal("v1", versions.Fresh());
        clock.Ticks += 1;
        Assert.Null(versions.Fresh());
    }

    [Fact]
    public void LaterObservation_ReplacesTheVersion_AndRenewsIt()
    {
        var clock = new ManualClock();
        var versions = Versions(clock);
        versions.Observe("v1");
        clock.Ticks += TimeSpan.FromSeconds(8).Ticks;

        versions.Observe("v2");
        clock.Ticks += TimeSpan.FromSeconds(8).Ticks;

        Assert.Equal("v2", versions.Fresh());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void MissingVersion_LeavesTheLastOneAsItWas(string? missing)
    {
        var versions = Versions(new ManualClock());
        versions.Observe("v1");

        versions.Observe(missing);

        Assert.Equal("v1", versions.Fresh());
    }
}

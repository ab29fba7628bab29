using AiAspire.RouterService.Resilience;
using AiAspire.RouterService.Routing;

namespace AiAspire.RouterService.Tests.Resilience;

public sealed class CircuitBreakersTests
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    private readonly ManualClock _clock = new();

    private CircuitBreakers Breakers(int threshold = 3) => new(
        new TestOptionsMonitor<RouterOptions>(new RouterOptions { BreakerFailureThreshold = threshold, BreakerBreakDuration = BreakDuration }),
        _clock);

    [Fact]
    public void Failed_ConsecutiveFailuresBelowTheThreshold_KeepTheCircuitClosed()
    {
        var breakers = Breakers();

        breakers.Failed("a");
        breakers.Failed("a");
        breakers.Succeeded("a");
        breakers.Failed("a");
        breakers.Failed("a");

        Assert.True(breakers.TryEnter("a", out var refusal));
        Assert.Null(refusal);
    }

    [Fact]
    public void Failed_ThresholdReached_OpensTheCircuitForThatDeploymentOnly()
    {
        var breakers = Breakers();

        var opened = Enumerable.Range(0, 3).Select(_ => breakers.Failed("a")).ToList();

        Assert.Equal([false, false, true], opened);
        Assert.False(breakers.TryEnter("a", out var refusal));
        Assert.StartsWith("circuit open after 3 consecutive failures", refusal);
        Assert.True(breakers.TryEnter("b", out _));
    }

    [Fact]
    public void TryEnter_AfterTheBreakDuration_LetsOneProbeThroughAtATime()
    {
        var breakers = Breakers();
        for (var i = 0; i < 3; i++)
        {
            breakers.Failed("a");
        }

        _clock.Advance(BreakDuration - TimeSpan.FromSeconds(1));
        var early = breakers.TryEnter("a", out _);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var probe = breakers.TryEnter("a", out _);
        var second = breakers.TryEnter("a", out var refusal);

        Assert.Equal((false, true, false), (early, probe, second));
        Assert.Equal("circuit open: a probe call is under way", refusal);
    }

    [Fact]
    public void Succeeded_ByTheProbe_ClosesTheCircuit()
    {
        var breakers = Breakers();
        for (var i = 0; i < 3; i++)
        {
            breakers.Failed("a");
        }
        _clock.Advance(BreakDuration);
        Assert.True(breakers.TryEnter("a", out _));

        breakers.Succeeded("a");

        Assert.False(breakers.IsOpen("a"));
        Assert.True(breakers.TryEnter("a", out _));
        Assert.True(breakers.TryEnter("a", out _));
    }

    [Fact]
    public void Failed_ByTheProbe_OpensTheCircuitForAnotherBreakDuration()
    {
        var breakers = Breakers();
        for (var i = 0; i < 3; i++)
        {
            breakers.Failed("a");
        }
        _clock.Advance(BreakDuration);
        Assert.True(breakers.TryEnter("a", out _));

        Assert.True(breakers.Failed("a"));

        Assert.False(breakers.TryEnter("a", out _));
        _clock.Advance(BreakDuration);
        Assert.True(breakers.TryEnter("a", out _));
    }

    [Fact]
    public void Released_ProbeEndedWithoutAVerdict_FreesTheSlotForTheNextProbe()
    {
        var breakers = Breakers();
        for (var i = 0; i < 3; i++)
        {
            breakers.Failed("a");
        }
        _clock.Advance(BreakDuration);
        Assert.True(breakers.TryEnter("a", out _));

        breakers.Released("a");

        Assert.True(breakers.TryEnter("a", out _));
    }

    [Fact]
    public void Failed_ThresholdZero_NeverOpens()
    {
        var breakers = Breakers(threshold: 0);

        var opened = Enumerable.Range(0, 100).Any(_ => breakers.Failed("a"));

        Assert.False(opened);
        Assert.True(breakers.TryEnter("a", out _));
    }
}

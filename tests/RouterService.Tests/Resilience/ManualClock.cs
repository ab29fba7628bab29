namespace AiAspire.RouterService.Tests.Resilience;

/// <summary>A clock that moves only when told, for circuit breaker timing; timers and delays stay real.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

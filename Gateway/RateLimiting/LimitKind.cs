namespace AiAspire.Gateway.RateLimiting;

public enum LimitKind
{
    Requests,
    Tokens,
    Concurrency,

    /// <summary>Monthly spend in micro-USD; checked before the call, charged after it.</summary>
    Budget,
}

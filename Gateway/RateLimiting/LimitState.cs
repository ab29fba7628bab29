namespace AiAspire.Gateway.RateLimiting;

/// <summary>A limit as the script found it: how much was used before this request, and when capacity frees.</summary>
public sealed record LimitState(LimitCheck Check, long UsedBefore, TimeSpan Reset);

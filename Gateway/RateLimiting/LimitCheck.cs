namespace AiAspire.Gateway.RateLimiting;

/// <summary>One limit to take for a request: per key or per tenant (<paramref name="PerTenant"/>), of one kind.</summary>
public sealed record LimitCheck(LimitKind Kind, string RedisKey, long Limit, long Cost, bool FailOpen, bool PerTenant = false);

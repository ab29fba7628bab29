namespace AiAspire.Gateway.Authentication;

/// <summary>A stored key's own limits; each one given replaces the configured per-key default (Gateway:RateLimits).</summary>
public sealed record KeyLimits(long? RequestsPerMinute, long? TokensPerMinute, long? ConcurrentRequests, decimal? MonthlyBudgetUsd = null);

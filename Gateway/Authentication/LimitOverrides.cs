namespace AiAspire.Gateway.Authentication;

/// <summary>
/// Limits that replace the configured defaults (Gateway:RateLimits) for one API key or one tenant; each one left out
/// keeps its default. A tenant's may be 0 (unlimited, set by the operator); a key's are positive.
/// </summary>
public sealed record LimitOverrides(long? RequestsPerMinute, long? TokensPerMinute, long? ConcurrentRequests, decimal? MonthlyBudgetUsd = null)
{
    public bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null && ConcurrentRequests is null && MonthlyBudgetUsd is null;

    public bool IsValid(bool allowUnlimited)
    {
        bool Fits(long? value) => value is null || value > 0 || (allowUnlimited && value == 0);
        return Fits(RequestsPerMinute) && Fits(TokensPerMinute) && Fits(ConcurrentRequests)
            && (MonthlyBudgetUsd is null || (MonthlyBudgetUsd < 1_000_000_000 && (MonthlyBudgetUsd > 0 || (allowUnlimited && MonthlyBudgetUsd == 0))));
    }
}

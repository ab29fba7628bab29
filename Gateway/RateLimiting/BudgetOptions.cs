namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Gateway:RateLimits:Budget — monthly spend in USD per key and per tenant (0 = unlimited), fed by the actual cost the
/// orchestrator reports in x-aiaspire-cost. A request is refused once the month's spend has reached the budget; requests
/// already in flight can take it past by their own cost.
/// </summary>
public sealed class BudgetOptions
{
    public decimal MonthlyUsdPerKey { get; set; }

    public decimal MonthlyUsdPerTenant { get; set; }

    /// <summary>When Redis cannot be reached: true lets requests through, false refuses them with 503.</summary>
    public bool FailOpen { get; set; } = true;

    public bool Active => MonthlyUsdPerKey > 0 || MonthlyUsdPerTenant > 0;
}

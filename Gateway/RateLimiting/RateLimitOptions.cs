using System.ComponentModel.DataAnnotations;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>Gateway:RateLimits — each limit per key and per tenant; 0 means unlimited.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimits";

    /// <summary>Requests in any 60 s.</summary>
    public LimitOptions Requests { get; set; } = new();

    /// <summary>Tokens in any 60 s: prompt (estimated) + max output reserved before the call, reconciled with usage after it.</summary>
    public LimitOptions Tokens { get; set; } = new();

    /// <summary>Requests in flight at once.</summary>
    public LimitOptions Concurrency { get; set; } = new();

    /// <summary>Monthly USD budgets, fed by actual costs.</summary>
    public BudgetOptions Budget { get; set; } = new();

    /// <summary>Output tokens reserved when a request names no max_tokens.</summary>
    [Range(1, 1_000_000)]
    public int DefaultMaxOutputTokens { get; set; } = 1024;

    /// <summary>How long a replica trusts its copy of a tenant's limit overrides when it hears of no change.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan OverrideCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a replica holds an admission credit for a key's next request (see <see cref="AdmissionCredits"/>);
    /// also how soon after the last one a request must settle for traffic to count as steady. Zero turns credits off:
    /// every request then waits on its own acquire.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan CreditHold { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an in-flight slot is held if the gateway dies before releasing it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan ConcurrencyLease { get; set; } = TimeSpan.FromMinutes(6);
}

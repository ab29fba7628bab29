using System.ComponentModel.DataAnnotations;

namespace AiAspire.RouterService.Routing;

public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary>Longest wait for a whole answer (or a stream's first token) from one deployment before falling back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest a request may take across every attempt, retry and backoff until it has an answer (for a stream, until its
    /// first token: the answer itself may then take as long as it takes); what is left bounds each attempt.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Further calls to the same deployment after a 429, a 5xx, a timeout or a network error, before falling back.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 1;

    /// <summary>Backoff before retry n is about <c>RetryBaseDelay × 2^n</c>, jittered to 50–100 %, at most <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>A Retry-After up to this long is waited for; a longer one sends the request to the next deployment instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Consecutive transient failures that open a deployment's circuit; 0 disables the breaker.</summary>
    [Range(0, 10_000)]
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>How long an open circuit keeps a deployment out before one probe call may try it again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Weight of the newest observation in the latency moving averages (0..1; higher forgets faster).</summary>
    [Range(0.01, 1)]
    public double LatencySmoothing { get; set; } = 0.2;

    /// <summary>Complexity score at or above which a prompt counts as hard, for routes that set none.</summary>
    [Range(0, 1)]
    public double ComplexityThreshold { get; set; } = 0.3;

    /// <summary>Ratings a deployment needs (the tenant's own, else every tenant's) before the quality strategy ranks it by measured quality rather than tier.</summary>
    [Range(1, 1_000_000)]
    public int QualityMinRatings { get; set; } = 20;

    /// <summary>How often the measured quality scores the FeedbackWorker publishes are read back from Redis.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan QualityRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest a call to the shared Redis (rate-limit counters, shared latency) may hold up a request before the router decides alone.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan SharedStateTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a Redis failure, how long the router keeps its state in process before it tries Redis again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SharedStateRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each replica shares its latency averages through Redis and reads the others'; older than three intervals, a replica's are ignored.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LatencyShareInterval { get; set; } = TimeSpan.FromSeconds(5);
}

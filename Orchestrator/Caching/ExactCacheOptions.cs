namespace AiAspire.Orchestrator.Caching;

public sealed class ExactCacheOptions
{
    public const string Section = "Cache:Exact";

    public bool Enabled { get; set; } = true;

    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Sampled answers differ from call to call, so by default only temperature 0 is cached (an absent temperature
    /// means the provider's default, which is not 0).
    /// </summary>
    public bool AllowNonZeroTemperature { get; set; }

    /// <summary>How long a lookup may take before it counts as a miss (stores are sent without waiting for Redis's answer).</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Answer a repeated stateless request, before any guard call, from the answers both guards already allowed for
    /// the same request under the same guard policy version (<see cref="CheckedAnswerCache"/>).
    /// </summary>
    public bool CheckedAnswers { get; set; } = true;

    /// <summary>
    /// How long the guard policy version the guardrails last reported is trusted for <see cref="CheckedAnswers"/>: at
    /// most this long after a guard policy changed, an answer checked under the old one may still be served.
    /// </summary>
    public TimeSpan GuardPolicyMaxAge { get; set; } = TimeSpan.FromSeconds(10);
}

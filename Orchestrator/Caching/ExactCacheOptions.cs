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

    /// <summary>How long a lookup or store may take before it counts as a miss.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}

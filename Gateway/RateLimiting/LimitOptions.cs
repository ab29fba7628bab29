namespace AiAspire.Gateway.RateLimiting;

/// <summary>One kind of limit, per key and per tenant (0 = unlimited), and what to do while Redis is unreachable.</summary>
public sealed class LimitOptions
{
    /// <summary>0 (or less) means unlimited.</summary>
    public long PerKey { get; set; }

    /// <summary>0 (or less) means unlimited.</summary>
    public long PerTenant { get; set; }

    /// <summary>When Redis cannot be reached: true lets requests through unlimited, false refuses them with 503.</summary>
    public bool FailOpen { get; set; } = true;

    public bool Active => PerKey > 0 || PerTenant > 0;
}

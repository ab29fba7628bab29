namespace AiAspire.Gateway.Proxying;

/// <summary>
/// Gateway:Overload — per route, how many requests are proxied at once and how many may wait; the rest are shed with
/// 503 and Retry-After instead of piling up until they time out. Read on every change (no restart).
/// </summary>
public sealed class OverloadOptions
{
    public const string Section = "Gateway:Overload";

    public RouteOverload Default { get; set; } = new();

    /// <summary>By YARP route id.</summary>
    public Dictionary<string, RouteOverload> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What a shed request is told to wait before retrying.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}

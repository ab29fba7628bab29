namespace AiAspire.Gateway.Proxying;

/// <summary>One route's bounded concurrency; a value left out on a route takes Gateway:Overload:Default's.</summary>
public sealed class RouteOverload
{
    /// <summary>Requests proxied at once; 0 means no bound (the route is never shed).</summary>
    public int? PermitLimit { get; set; }

    /// <summary>Requests waiting for a permit; beyond them a request is shed at once.</summary>
    public int? QueueLimit { get; set; }

    /// <summary>How long a request may wait for a permit before it is shed.</summary>
    public TimeSpan? QueueTimeout { get; set; }
}

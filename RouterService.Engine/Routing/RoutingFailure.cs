namespace AiAspire.RouterService.Routing;

public enum RoutingFailure
{
    /// <summary>The name is neither a deployment nor a route, or names an unavailable deployment (404).</summary>
    UnknownModel,

    /// <summary>The strategy asked for is not registered (400).</summary>
    UnknownStrategy,

    /// <summary>Deployments are available, but none can serve this request: too long, missing a capability (422).</summary>
    Unservable,

    /// <summary>Nothing is callable, or every call failed (502).</summary>
    Upstream,
}

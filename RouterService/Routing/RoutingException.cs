using AiAspire.Contracts.Router;

namespace AiAspire.RouterService.Routing;

/// <summary>A request the router cannot serve: an unknown name (caller's mistake) or every deployment failing.</summary>
public sealed class RoutingException(string message, bool callerError, IReadOnlyList<RouteAttempt> attempts) : Exception(message)
{
    public bool CallerError { get; } = callerError;

    public IReadOnlyList<RouteAttempt> Attempts { get; } = attempts;
}

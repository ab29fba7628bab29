using AiAspire.Contracts.Router;

namespace AiAspire.RouterService.Routing;

/// <summary>A request the router cannot serve: a caller's mistake (<see cref="CallerError"/>) or every deployment failing.</summary>
public sealed class RoutingException(string message, RoutingFailure failure, IReadOnlyList<RouteAttempt> attempts) : Exception(message)
{
    public RoutingFailure Failure { get; } = failure;

    public bool CallerError => Failure != RoutingFailure.Upstream;

    public IReadOnlyList<RouteAttempt> Attempts { get; } = attempts;
}

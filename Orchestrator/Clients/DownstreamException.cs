using System.Net;

namespace AiAspire.Orchestrator.Clients;

/// <summary>A service behind the orchestrator answered with an error or could not be reached.</summary>
/// <param name="Problem">The problem+json body it sent, when it sent one.</param>
public sealed class DownstreamException(string service, HttpStatusCode? status, string message, string? problem = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;

    /// <summary>Null when the service could not be reached at all.</summary>
    public HttpStatusCode? Status { get; } = status;

    public string? Problem { get; } = problem;

    /// <summary>True for a 4xx: the caller's request was at fault, not the service.</summary>
    public bool IsCallerError => Status is { } s && (int)s is >= 400 and < 500;
}

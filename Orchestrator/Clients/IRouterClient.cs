using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Clients;

/// <summary>
/// The router's calls as the pipeline makes them: over HTTP to RouterService (<see cref="RouterClient"/>) or to the
/// router's engine in this process (<c>Colocation:Router</c>). Either way a refusal or a failure before the first token
/// is a <see cref="DownstreamException"/> with the router's status and problem body, and a failure after it an
/// <c>error</c> event.
/// </summary>
public interface IRouterClient
{
    Task<CompletionResponse> CompleteAsync(string tenant, CompletionRequest request, CancellationToken cancellationToken);

    /// <summary>The router's events (<c>start</c>, <c>delta</c>…, <c>done</c> or <c>error</c>), as they come.</summary>
    /// <exception cref="DownstreamException">The router refused the request before streaming (unknown model, …).</exception>
    Task<IAsyncEnumerable<CompletionStreamEvent>> StreamAsync(string tenant, CompletionRequest request, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelDescriptor>> ListModelsAsync(string tenant, CancellationToken cancellationToken);
}

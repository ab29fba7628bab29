namespace AiAspire.Orchestrator.Budgets;

/// <summary>The router's model list as the token budget reads it: over HTTP (<see cref="ModelLimitsClient"/>) or in process.</summary>
public interface IModelLimitsClient
{
    /// <exception cref="Clients.DownstreamException">The router could not be asked.</exception>
    Task<IReadOnlyList<RouterModel>> ListAsync(string tenant, CancellationToken cancellationToken);
}

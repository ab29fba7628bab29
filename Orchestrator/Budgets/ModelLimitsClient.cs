using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Budgets;

/// <summary>RouterService's model list, read for the limits of each deployment and route.</summary>
public sealed class ModelLimitsClient(HttpClient http) : ServiceClient(http, "routerservice"), IModelLimitsClient
{
    public Task<IReadOnlyList<RouterModel>> ListAsync(string tenant, CancellationToken cancellationToken) =>
        GetAsync("/v1/models", tenant, BudgetJsonContext.Default.IReadOnlyListRouterModel, cancellationToken);
}

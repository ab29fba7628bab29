using AiAspire.Contracts;
using AiAspire.Contracts.Guard;

namespace AiAspire.Orchestrator.Clients;

/// <summary>GuardrailService: masks input before it leaves for a model, restores and checks output.</summary>
public sealed class GuardrailClient(HttpClient http) : ServiceClient(http, "guardrailservice")
{
    public Task<GuardInputResponse> CheckInputAsync(string tenant, GuardInputRequest request, CancellationToken cancellationToken) =>
        PostAsync("/v1/guard/input", tenant, request,
            ContractsJsonContext.Default.GuardInputRequest, ContractsJsonContext.Default.GuardInputResponse, cancellationToken);

    /// <summary>Checks retrieved chunks for indirect prompt injection before they enter a prompt.</summary>
    public Task<GuardDocumentsResponse> CheckDocumentsAsync(string tenant, GuardDocumentsRequest request, CancellationToken cancellationToken) =>
        PostAsync("/v1/guard/documents", tenant, request,
            GuardJsonContext.Default.GuardDocumentsRequest, GuardJsonContext.Default.GuardDocumentsResponse, cancellationToken);

    public Task<GuardOutputResponse> CheckOutputAsync(string tenant, GuardOutputRequest request, CancellationToken cancellationToken) =>
        PostAsync("/v1/guard/output", tenant, request,
            ContractsJsonContext.Default.GuardOutputRequest, ContractsJsonContext.Default.GuardOutputResponse, cancellationToken);
}

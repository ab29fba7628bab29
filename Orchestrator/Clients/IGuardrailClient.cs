using AiAspire.Contracts.Guard;

namespace AiAspire.Orchestrator.Clients;

/// <summary>
/// What the orchestrator asks the guardrails: mask and check input, check retrieved documents, restore and check
/// output. Either GuardrailService over HTTP (<see cref="GuardrailClient"/>, the default) or the guard engine in this
/// process (<c>Colocation:Guardrails</c>); both fail the same way: a refusal or an outage is a
/// <see cref="DownstreamException"/> with the status GuardrailService would have answered with.
/// </summary>
public interface IGuardrailClient
{
    Task<GuardInputResponse> CheckInputAsync(string tenant, GuardInputRequest request, CancellationToken cancellationToken);

    /// <summary>Checks retrieved chunks for indirect prompt injection before they enter a prompt.</summary>
    Task<GuardDocumentsResponse> CheckDocumentsAsync(string tenant, GuardDocumentsRequest request, CancellationToken cancellationToken);

    Task<GuardOutputResponse> CheckOutputAsync(string tenant, GuardOutputRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The guard policy version in force now, when it is known without asking the guard (an engine in this process);
    /// null when only a verdict can tell (a remote guard).
    /// </summary>
    string? CurrentPolicyVersion { get; }
}

using System.Text.RegularExpressions;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Api;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Output;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// The guard's three calls as one entry point: the request limits, the policy version stamped on every verdict, and
/// which failures refuse a request with which problem. GuardrailService's endpoints and the orchestrator's in-process
/// guard (<c>Colocation:Guardrails</c>) both call it, so the two decide and fail alike.
/// </summary>
/// <remarks>Fails closed: text that could not be fully scanned or vaulted is never returned.</remarks>
public sealed partial class GuardEngine(
    InputGuard input,
    OutputGuard output,
    DocumentGuard documents,
    IOptionsMonitor<GuardLimitsOptions> limits,
    GuardPolicyVersion policyVersion,
    ILogger<GuardEngine> logger)
{
    /// <summary>The version stamped on verdicts now (<see cref="GuardPolicyVersion"/>).</summary>
    public string PolicyVersion => policyVersion.Current;

    /// <summary>Masks PII in the messages and checks them for injection and content the tenant's policy refuses.</summary>
    public async Task<GuardResult<GuardInputResponse>> CheckInputAsync(string tenant, GuardInputRequest request, CancellationToken cancellationToken)
    {
        if (GuardRequestValidator.Validate(request, limits.CurrentValue) is { } invalid)
        {
            return GuardProblem.Validation(invalid);
        }
        try
        {
            var version = policyVersion.Current;
            var verdict = await input.GuardAsync(tenant, request.Messages, cancellationToken);
            return verdict with { PolicyVersion = version };
        }
        catch (Exception ex) when (ex is PiiAnalysisTimeoutException or RegexMatchTimeoutException or VaultUnavailableException)
        {
            return Failed(ex);
        }
    }

    /// <summary>Restores the placeholders of an answer (or a stream window) and checks it.</summary>
    public async Task<GuardResult<GuardOutputResponse>> CheckOutputAsync(string tenant, GuardOutputRequest request, CancellationToken cancellationToken)
    {
        if (GuardRequestValidator.Validate(request, limits.CurrentValue) is { } invalid)
        {
            return GuardProblem.Validation(invalid);
        }
        try
        {
            var version = policyVersion.Current;
            var response = await output.GuardAsync(
                tenant, request.Text, request.VaultId, cancellationToken, request.SystemPrompt, request.Schema, request.StreamId, request.Final);
            return response is null ? GuardProblem.VaultNotFound : response with { PolicyVersion = version };
        }
        catch (SchemaEvaluationException ex)
        {
            return GuardProblem.Validation(ex.Message);
        }
        catch (Exception ex) when (ex is PiiAnalysisTimeoutException or RegexMatchTimeoutException or VaultUnavailableException)
        {
            return Failed(ex);
        }
    }

    /// <summary>Checks retrieved documents for indirect prompt injection.</summary>
    public GuardResult<GuardDocumentsResponse> CheckDocuments(string tenant, GuardDocumentsRequest request)
    {
        if (GuardRequestValidator.Validate(request, limits.CurrentValue) is { } invalid)
        {
            return GuardProblem.Validation(invalid);
        }
        try
        {
            return documents.Check(tenant, request.Documents);
        }
        catch (RegexMatchTimeoutException ex)
        {
            return Failed(ex);
        }
    }

    private GuardProblem Failed(Exception ex)
    {
        if (ex is PiiAnalysisTimeoutException or RegexMatchTimeoutException)
        {
            LogScanTimedOut((ex as PiiAnalysisTimeoutException)?.Recognizer ?? "a placeholder or injection scan");
            return GuardProblem.ScanBudgetExceeded;
        }
        LogVaultUnavailable(ex);
        return GuardProblem.VaultUnavailable;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanning timed out in {Scanner}; the request was refused.")]
    private partial void LogScanTimedOut(string scanner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The PII vault store is unavailable.")]
    private partial void LogVaultUnavailable(Exception ex);
}

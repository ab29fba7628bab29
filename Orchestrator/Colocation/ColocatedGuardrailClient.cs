using System.Net;
using System.Text.Json;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Guards;
using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Colocation;

/// <summary>
/// The guardrails in this process (<c>Colocation:Guardrails</c>): the guard engine GuardrailService serves, called
/// directly, with no HTTP hop, JSON or socket. Its refusals are the ones GuardrailService would answer with, raised as
/// the <see cref="DownstreamException"/> <see cref="GuardrailClient"/> raises for them (same status, problem body and
/// title; a scan out of time budget a 503), so the pipeline cannot tell the two apart.
/// </summary>
/// <remarks>
/// A fault of the engine itself (a bug, not a refusal) is a 500 from GuardrailService over HTTP; here it becomes the same
/// 500 <see cref="DownstreamException"/>, which the steps turn into a 503 that fails closed. The caller giving up still
/// cancels. The one refusal only HTTP can give is a 413 for a body over the guard server's size limit (30 MB by
/// default); in process such a text meets the character limit (<c>Guardrails:Limits:MaxCharacters</c>) as a 400 —
/// a caller error to the pipeline either way.
/// </remarks>
public sealed class ColocatedGuardrailClient(GuardEngine engine) : IGuardrailClient
{
    public string? CurrentPolicyVersion => engine.PolicyVersion;

    public Task<GuardInputResponse> CheckInputAsync(string tenant, GuardInputRequest request, CancellationToken cancellationToken) =>
        VerdictAsync(() => engine.CheckInputAsync(tenant, request, cancellationToken), cancellationToken);

    public Task<GuardDocumentsResponse> CheckDocumentsAsync(string tenant, GuardDocumentsRequest request, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GuardDocumentsResponse>(cancellationToken);
        }
        GuardResult<GuardDocumentsResponse> result;
        try
        {
            result = engine.CheckDocuments(tenant, request);
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            return Task.FromException<GuardDocumentsResponse>(Fault(ex));
        }
        return result.Problem is { } refused ? Task.FromException<GuardDocumentsResponse>(Refusal(refused)) : Task.FromResult(result.Value!);
    }

    public Task<GuardOutputResponse> CheckOutputAsync(string tenant, GuardOutputRequest request, CancellationToken cancellationToken) =>
        VerdictAsync(() => engine.CheckOutputAsync(tenant, request, cancellationToken), cancellationToken);

    /// <summary>The engine's verdict, its refusal as the exception the HTTP client raises, a fault as a guard 500.</summary>
    private static async Task<T> VerdictAsync<T>(Func<Task<GuardResult<T>>> check, CancellationToken cancellationToken) where T : class
    {
        GuardResult<T> result;
        try
        {
            result = await check();
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            throw Fault(ex);
        }
        return Verdict(result);
    }

    private static T Verdict<T>(GuardResult<T> result) where T : class =>
        result.Problem is { } refused ? throw Refusal(refused) : result.Value!;

    /// <summary>What <see cref="GuardrailClient"/> throws when GuardrailService answers with this problem.</summary>
    internal static DownstreamException Refusal(GuardProblem problem)
    {
        var refused = new DownstreamException(GuardrailClient.Service, (HttpStatusCode)problem.Status,
            $"{GuardrailClient.Service} answered {problem.Status}.", ProblemJson(problem));
        return GuardrailClient.IsScanBudgetExceeded(refused) ? GuardrailClient.ScanBudgetAsServiceUnavailable(refused) : refused;
    }

    /// <summary>The problem+json body GuardrailService writes for it (type, title, status, detail).</summary>
    private static string ProblemJson(GuardProblem problem)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", problem.Type);
            json.WriteString("title", problem.Title);
            json.WriteNumber("status", problem.Status);
            json.WriteString("detail", problem.Detail);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static bool IsFault(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private static DownstreamException Fault(Exception ex) =>
        new(GuardrailClient.Service, HttpStatusCode.InternalServerError, $"{GuardrailClient.Service} failed in process: {ex.GetType().Name}.", inner: ex);
}

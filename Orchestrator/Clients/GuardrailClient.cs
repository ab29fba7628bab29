using System.Net;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;

namespace AiAspire.Orchestrator.Clients;

/// <summary>GuardrailService: masks input before it leaves for a model, restores and checks output.</summary>
/// <remarks>
/// The guard refuses a text it could not scan within its time budget with 422 "Text too costly to scan". Its budget
/// is wall-clock time, so on a starved CPU ordinary text runs out of it: that refusal is about the guard's capacity, not
/// the caller's input, and is surfaced as a 503 (retry later) rather than a 4xx. The guard's true validation errors
/// (400, 413: too many characters by its configured limits, malformed requests) stay caller errors.
/// </remarks>
public sealed class GuardrailClient(HttpClient http) : ServiceClient(http, Service), IGuardrailClient
{
    /// <summary>The guardrails' resource name: the service named in <see cref="DownstreamException.Service"/>.</summary>
    internal const string Service = "guardrailservice";

    /// <summary>The <c>Retry-After</c> (seconds) a caller gets when the guardrails are unavailable or short of capacity.</summary>
    public const string RetryAfterSeconds = "2";

    /// <summary>The title GuardrailService gives its 422 when a scan ran out of its time budget.</summary>
    internal const string ScanBudgetExceededTitle = "Text too costly to scan";

    public Task<GuardInputResponse> CheckInputAsync(string tenant, GuardInputRequest request, CancellationToken cancellationToken) =>
        CapacityAsServiceUnavailable(PostAsync("/v1/guard/input", tenant, request,
            ContractsJsonContext.Default.GuardInputRequest, ContractsJsonContext.Default.GuardInputResponse, cancellationToken, safeToRepeat: true));

    public Task<GuardDocumentsResponse> CheckDocumentsAsync(string tenant, GuardDocumentsRequest request, CancellationToken cancellationToken) =>
        CapacityAsServiceUnavailable(PostAsync("/v1/guard/documents", tenant, request,
            GuardJsonContext.Default.GuardDocumentsRequest, GuardJsonContext.Default.GuardDocumentsResponse, cancellationToken, safeToRepeat: true));

    /// <remarks>A stream window is not repeated: it moves the guard's saved tail of the stream, so a repeat would check its text twice.</remarks>
    public Task<GuardOutputResponse> CheckOutputAsync(string tenant, GuardOutputRequest request, CancellationToken cancellationToken) =>
        CapacityAsServiceUnavailable(PostAsync("/v1/guard/output", tenant, request,
            ContractsJsonContext.Default.GuardOutputRequest, ContractsJsonContext.Default.GuardOutputResponse, cancellationToken,
            safeToRepeat: request.StreamId is null));

    /// <summary>Only a verdict tells a remote guard's version.</summary>
    public string? CurrentPolicyVersion => null;

    private static async Task<T> CapacityAsServiceUnavailable<T>(Task<T> call)
    {
        try
        {
            return await call;
        }
        catch (DownstreamException ex) when (IsScanBudgetExceeded(ex))
        {
            throw ScanBudgetAsServiceUnavailable(ex);
        }
    }

    /// <summary>The 503 (retry later) a scan that ran out of its time budget becomes.</summary>
    internal static DownstreamException ScanBudgetAsServiceUnavailable(DownstreamException ex) =>
        new(ex.Service, HttpStatusCode.ServiceUnavailable,
            $"{ex.Service} could not scan the text within its time budget (short of capacity); retry later.", ex.Problem, ex);

    /// <summary>A 422 whose problem title says the scan ran out of time (the guard sends the generic validation type with it).</summary>
    internal static bool IsScanBudgetExceeded(DownstreamException ex)
    {
        if (ex.Status != HttpStatusCode.UnprocessableEntity || string.IsNullOrEmpty(ex.Problem))
        {
            return false;
        }
        try
        {
            using var problem = JsonDocument.Parse(ex.Problem);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("title", out var title)
                && title.ValueKind == JsonValueKind.String
                && title.ValueEquals(ScanBudgetExceededTitle);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

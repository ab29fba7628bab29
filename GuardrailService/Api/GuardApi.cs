using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Output;
using AiAspire.GuardrailService.Pii;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.GuardrailService.Api;

/// <summary>
/// <c>/v1/guard</c>: input masking and injection checks, output restoring, and retrieved-document checks, for the
/// orchestrator and (through the gateway) applications; the tenant comes from the gateway's header.
/// </summary>
public static class GuardApi
{
    public static RouteGroupBuilder MapGuardApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/guard").RequireTenant();
        api.MapPost("/input", GuardInputAsync);
        api.MapPost("/output", GuardOutputAsync);
        api.MapPost("/documents", GuardDocumentsAsync);
        return api;
    }

    public static async Task<Results<Ok<GuardInputResponse>, ProblemHttpResult>> GuardInputAsync(
        HttpContext context, [AsParameters] GuardServices services, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.GuardInputRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (GuardRequestValidator.Validate(request!, services.Limits.CurrentValue) is { } invalid)
        {
            return JsonBody.Validation(invalid);
        }

        try
        {
            var version = services.PolicyVersion.Current;
            var verdict = await services.InputGuard.GuardAsync(context.GetTenant(), request!.Messages, cancellationToken);
            return TypedResults.Ok(verdict with { PolicyVersion = version });
        }
        catch (Exception ex) when (ex is PiiAnalysisTimeoutException or RegexMatchTimeoutException or VaultUnavailableException)
        {
            return Failed(ex, services.LoggerFactory.CreateLogger(typeof(GuardApi).FullName!));
        }
    }

    public static async Task<Results<Ok<GuardOutputResponse>, ProblemHttpResult>> GuardOutputAsync(
        HttpContext context, [AsParameters] GuardServices services, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, GuardServiceJsonContext.Default.GuardOutputBody, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (GuardRequestValidator.Validate(request!, services.Limits.CurrentValue) is { } invalid)
        {
            return JsonBody.Validation(invalid);
        }

        try
        {
            var version = services.PolicyVersion.Current;
            var response = await services.OutputGuard.GuardAsync(
                context.GetTenant(), request!.Text, request.VaultId, cancellationToken, request.SystemPrompt, request.Schema, request.StreamId, request.Final);
            if (response is null)
            {
                return TypedResults.Problem(
                    "The vault was not found: its id is unknown, it belongs to another tenant, or it expired. Mask the input again.",
                    statusCode: StatusCodes.Status404NotFound, title: "Vault not found", type: ProblemTypes.NotFound);
            }
            return TypedResults.Ok(response with { PolicyVersion = version });
        }
        catch (SchemaEvaluationException ex)
        {
            return JsonBody.Validation(ex.Message);
        }
        catch (Exception ex) when (ex is PiiAnalysisTimeoutException or RegexMatchTimeoutException or VaultUnavailableException)
        {
            return Failed(ex, services.LoggerFactory.CreateLogger(typeof(GuardApi).FullName!));
        }
    }

    public static async Task<Results<Ok<GuardDocumentsResponse>, ProblemHttpResult>> GuardDocumentsAsync(
        HttpContext context, [AsParameters] GuardServices services, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, GuardJsonContext.Default.GuardDocumentsRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (GuardRequestValidator.Validate(request!, services.Limits.CurrentValue) is { } invalid)
        {
            return JsonBody.Validation(invalid);
        }

        try
        {
            return TypedResults.Ok(services.DocumentGuard.Check(context.GetTenant(), request!.Documents));
        }
        catch (RegexMatchTimeoutException ex)
        {
            return Failed(ex, services.LoggerFactory.CreateLogger(typeof(GuardApi).FullName!));
        }
    }

    /// <summary>Fail closed: text that could not be fully scanned or vaulted is never returned.</summary>
    private static ProblemHttpResult Failed(Exception ex, ILogger logger)
    {
        if (ex is PiiAnalysisTimeoutException or RegexMatchTimeoutException)
        {
            logger.LogWarning("Scanning timed out in {Scanner}; the request was refused.",
                (ex as PiiAnalysisTimeoutException)?.Recognizer ?? "a placeholder or injection scan");
            return TypedResults.Problem("The text could not be scanned within the time limit; send shorter messages.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Text too costly to scan", type: ProblemTypes.Validation);
        }
        logger.LogWarning(ex, "The PII vault store is unavailable.");
        return TypedResults.Problem("The PII vault is temporarily unavailable; retry shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Vault unavailable", type: ProblemTypes.Unavailable);
    }
}

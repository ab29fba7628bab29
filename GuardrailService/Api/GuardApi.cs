using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Guards;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.GuardrailService.Api;

/// <summary>
/// <c>/v1/guard</c>: input masking and injection checks, output restoring, and retrieved-document checks, for the
/// orchestrator and (through the gateway) applications; the tenant comes from the gateway's header. The checks, limits
/// and refusals are the engine's (<see cref="GuardEngine"/>); this layer reads the JSON and writes the answer.
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
        HttpContext context, GuardEngine engine, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.GuardInputRequest, cancellationToken);
        return problem ?? Answer(await engine.CheckInputAsync(context.GetTenant(), request!, cancellationToken));
    }

    public static async Task<Results<Ok<GuardOutputResponse>, ProblemHttpResult>> GuardOutputAsync(
        HttpContext context, GuardEngine engine, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(context.Request, GuardServiceJsonContext.Default.GuardOutputBody, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var request = new GuardOutputRequest(body!.Text, body.VaultId, body.SystemPrompt, body.Schema, body.StreamId, body.Final);
        return Answer(await engine.CheckOutputAsync(context.GetTenant(), request, cancellationToken));
    }

    public static async Task<Results<Ok<GuardDocumentsResponse>, ProblemHttpResult>> GuardDocumentsAsync(
        HttpContext context, GuardEngine engine, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, GuardJsonContext.Default.GuardDocumentsRequest, cancellationToken);
        return problem ?? Answer(engine.CheckDocuments(context.GetTenant(), request!));
    }

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(GuardResult<T> result) where T : class =>
        result.Problem is { } refused
            ? TypedResults.Problem(refused.Detail, statusCode: refused.Status, title: refused.Title, type: refused.Type)
            : TypedResults.Ok(result.Value!);
}

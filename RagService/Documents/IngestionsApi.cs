using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RagService.Documents;

/// <summary><c>GET /api/ingestions/{id}</c>: progress of a background ingestion, visible only to the tenant that started it, from any replica.</summary>
public static class IngestionsApi
{
    public static RouteGroupBuilder MapIngestionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/ingestions").RequireTenant().WithTags("Documents");
        api.MapGet("/{id}", GetIngestion);
        return api;
    }

    public static async Task<Results<Ok<IngestionJobResponse>, ProblemHttpResult>> GetIngestion(
        HttpContext context, string id, IngestionQueue queue, CancellationToken cancellationToken) =>
        await queue.FindAsync(context.GetTenant(), id, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem($"No ingestion '{id}' in this tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found", type: ProblemTypes.NotFound);
}

using System.Globalization;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Datasets;

/// <summary>Retraining datasets of the caller's tenant: export one, list them, download one.</summary>
public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/quality/datasets").RequireTenant();

        api.MapPost("/", ExportAsync);
        api.MapGet("/", ListAsync);
        api.MapGet("/{datasetId}", Download);

        return api;
    }

    /// <summary><c>?from&amp;to</c> (ISO 8601; default the last 30 days up to now).</summary>
    public static async Task<Results<Created<DatasetExported>, ProblemHttpResult>> ExportAsync(
        HttpContext context, DatasetExporter exporter, TimeProvider time, CancellationToken cancellationToken,
        string? from = null, string? to = null)
    {
        var now = time.GetUtcNow();
        if (!TryParse(to, now, out var end) || !TryParse(from, end.AddDays(-30), out var start) || start >= end)
        {
            return TypedResults.Problem("from and to must be ISO 8601 date-times with from before to.",
                statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation);
        }
        try
        {
            var manifest = await exporter.ExportAsync(context.GetTenant(), start, end, cancellationToken);
            return TypedResults.Created($"/api/quality/datasets/{manifest.DatasetId}", manifest);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return TypedResults.Problem("The interactions are unavailable right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
    }

    public static async Task<Ok<IReadOnlyList<DatasetExported>>> ListAsync(
        HttpContext context, DatasetExporter exporter, CancellationToken cancellationToken) =>
        TypedResults.Ok(await exporter.ListAsync(context.GetTenant(), cancellationToken));

    public static Results<PhysicalFileHttpResult, ProblemHttpResult> Download(HttpContext context, DatasetExporter exporter, string datasetId)
    {
        if (!DatasetExporter.IsDatasetId(datasetId))
        {
            return TypedResults.Problem("A dataset id looks like 20261128120000-1a2b3c4d.",
                statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation);
        }
        return exporter.DataFileOf(context.GetTenant(), datasetId) is { } path
            ? TypedResults.PhysicalFile(path, "application/jsonl", $"{datasetId}.jsonl")
            : TypedResults.Problem($"There is no dataset {datasetId}.", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);
    }

    private static bool TryParse(string? value, DateTimeOffset fallback, out DateTimeOffset time)
    {
        if (string.IsNullOrEmpty(value))
        {
            time = fallback;
            return true;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}

using AiAspire.Contracts;
using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Quality;
using AiAspire.FeedbackWorker.Projections;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Quality;

/// <summary>The quality API for dashboards: figures of the caller's tenant only.</summary>
public static class QualityApi
{
    public static RouteGroupBuilder MapQualityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/quality").RequireTenant();

        api.MapGet("/summary", GetSummaryAsync);
        api.MapGet("/models", GetModelsAsync);
        api.MapGet("/timeseries", GetTimeSeriesAsync);
        api.MapGet("/alerts", GetAlertsAsync);

        return api;
    }

    public static async Task<Results<Ok<QualitySummary>, ProblemHttpResult>> GetSummaryAsync(
        HttpContext context, QualityReadModel readModel, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await readModel.GetSummaryAsync(context.GetTenant(), cancellationToken));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return TypedResults.Problem("The quality figures are unavailable right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
    }

    public static async Task<Results<Ok<ModelComparisonList>, ProblemHttpResult>> GetModelsAsync(
        HttpContext context, QualityReadModel readModel, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await readModel.GetModelsAsync(context.GetTenant(), cancellationToken));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary><c>?from&amp;to</c> (ISO 8601; default the last hour), <c>bucket</c> (1m…1d; default 1m), <c>model</c>, <c>route</c>.</summary>
    public static async Task<Results<Ok<QualityTimeSeries>, ProblemHttpResult>> GetTimeSeriesAsync(
        HttpContext context, QualityReadModel readModel, TimeProvider time, CancellationToken cancellationToken,
        string? from = null, string? to = null, string? bucket = null, string? model = null, string? route = null)
    {
        var query = TimeSeriesQuery.TryParse(from, to, bucket, model, route, time.GetUtcNow(), out var error);
        if (query is null)
        {
            return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation);
        }
        try
        {
            return await readModel.GetTimeSeriesAsync(context.GetTenant(), query, cancellationToken) is { } series
                ? TypedResults.Ok(series)
                : TypedResults.Problem("That range covers too many series and minutes: filter by model or route, or shorten it.",
                    statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Unavailable();
        }
    }

    /// <summary>The tenant's recent alerts, newest first; <c>?limit</c> 1–100 (default 20).</summary>
    public static async Task<Results<Ok<IReadOnlyList<AlertRaised>>, ProblemHttpResult>> GetAlertsAsync(
        HttpContext context, IConnectionMultiplexer redis, CancellationToken cancellationToken, string? limit = null)
    {
        var count = 20;
        if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > 100))
        {
            return TypedResults.Problem("limit must be a whole number from 1 to 100.", statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation);
        }
        try
        {
            var entries = await redis.GetDatabase().ListRangeAsync(QualityKeys.Alerts(context.GetTenant()), 0, count - 1).WaitAsync(cancellationToken);
            IReadOnlyList<AlertRaised> alerts = [.. entries
                .Select(e => JsonSerializer.Deserialize((string)e!, EventsJsonContext.Default.AlertRaised))
                .OfType<AlertRaised>()];
            return TypedResults.Ok(alerts);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Unavailable();
        }
    }

    private static ProblemHttpResult Unavailable() =>
        TypedResults.Problem("The quality figures are unavailable right now; try again shortly.",
            statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
}

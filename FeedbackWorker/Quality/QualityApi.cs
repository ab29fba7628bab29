using AiAspire.Contracts;
using AiAspire.Contracts.Quality;
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
}

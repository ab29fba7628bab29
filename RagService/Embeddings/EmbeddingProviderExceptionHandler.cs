using AiAspire.Contracts;
using Microsoft.AspNetCore.Diagnostics;

namespace AiAspire.RagService.Embeddings;

/// <summary>A provider failure anywhere (ingestion, retrieval, <c>/v1/embeddings</c>) is a 502 problem naming the cause, not a 500.</summary>
public sealed partial class EmbeddingProviderExceptionHandler(IProblemDetailsService problems, ILogger<EmbeddingProviderExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not EmbeddingProviderException failure)
        {
            return false;
        }
        LogProviderFailed(logger, failure, failure.Status);
        httpContext.Response.StatusCode = StatusCodes.Status502BadGateway;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status502BadGateway,
                Title = "Embedding provider failed",
                Type = ProblemTypes.UpstreamFailed,
                Detail = failure.Message,
            },
        });
    }

    [LoggerMessage(LogLevel.Error, "The embedding provider failed (status {Status})")]
    private static partial void LogProviderFailed(ILogger logger, Exception exception, int? status);
}

using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Api;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Streaming;

/// <summary>How both streamed APIs (<c>/v1/chat/completions</c> and <c>/api/chat</c>) start their answer.</summary>
internal static class SseResponse
{
    /// <summary>
    /// On the router's first event: a failure before anything was sent is an ordinary 502 problem (returns false);
    /// otherwise the route headers and the event-stream headers are set (returns true) and the caller writes on.
    /// </summary>
    public static async Task<bool> BeginAsync(HttpContext http, PipelineContext context, CompletionStreamEvent first)
    {
        if (first.Type == CompletionStreamEvent.Failed)
        {
            context.Status = "error";
            context.Error = first.Error;
            await TypedResults.Problem("No model could answer: " + first.Error,
                statusCode: StatusCodes.Status502BadGateway, type: ProblemTypes.UpstreamFailed).ExecuteAsync(http);
            return false;
        }
        if (first.Route is { } route)
        {
            ChatCompletionsApi.SetRouteHeaders(http.Response, route, CacheOutcomes.Of(context));
        }
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return true;
    }

    /// <summary>
    /// The router's stream <paramref name="what"/> ("ended", "broke") before its first event: nothing was sent yet, so
    /// the answer is an ordinary 502 problem.
    /// </summary>
    public static Task FailBeforeStartAsync(HttpContext http, PipelineContext context, string what)
    {
        context.Status = "error";
        context.Error = $"the stream from the router {what} before it started";
        return TypedResults.Problem($"The stream from the router {what} before it started.",
            statusCode: StatusCodes.Status502BadGateway, type: ProblemTypes.UpstreamFailed).ExecuteAsync(http);
    }
}

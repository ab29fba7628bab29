using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AiAspire.Contracts;
using AiAspire.Contracts.Platform;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Api;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Streaming;

/// <summary>
/// A streamed <c>POST /api/chat</c> answer as server-sent events, for the web UI:
/// <code>
/// event: delta
/// data: {"text":"…"}            (any number, in order; their texts joined are the answer)
///
/// event: done
/// data: {"conversationId":…,"responseId":…,"route":…,"model":…,"provider":…,"promptTokens":…,
///        "completionTokens":…,"costUsd":…,"cache":"exact|semantic|miss","maskedPii":["EMAIL"],"citations":[…]}
///
/// event: error
/// data: {"type":"https://aiaspire.dev/problems/…","message":…,"responseId":…}
/// </code>
/// A <c>: aiaspire-usage {…}</c> comment (<see cref="UsageComment"/>) precedes <c>done</c>, for the gateway's budgets.
/// Exactly one <c>done</c> or <c>error</c> ends a stream that started; a failure before the first event is a plain
/// problem+json response (502) instead. What the pipeline registered for a whole answer (the "memory" step stores the
/// turn) runs after the answer is whole and before <c>done</c> is sent; after <c>error</c> (or a client disconnect, which cancels the upstream call) it is not.
/// </summary>
public sealed partial class ChatStreamResult(
    PipelineContext context, IAsyncEnumerable<CompletionStreamEvent> events, ChatServices services, long started) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var logger = services.LoggerFactory.CreateLogger<ChatStreamResult>();
        var cancellationToken = http.RequestAborted;
        RouteDecision? route = null;
        TokenUsage? usage = null;
        decimal cost = 0;
        var begun = false;

        try
        {
            await foreach (var @event in events.WithCancellation(cancellationToken))
            {
                if (!begun)
                {
                    route = @event.Route;
                    if (!await SseResponse.BeginAsync(http, context, @event))
                    {
                        return;
                    }
                    await http.Response.Body.FlushAsync(cancellationToken);
                    begun = true;
                }

                switch (@event.Type)
                {
                    case CompletionStreamEvent.Delta when !string.IsNullOrEmpty(@event.Text):
                        await WriteAsync(http, "delta", new ChatStreamDelta(@event.Text), PlatformJsonContext.Default.ChatStreamDelta, cancellationToken);
                        break;
                    case CompletionStreamEvent.Done:
                        route = @event.Route ?? route;
                        usage = @event.Usage;
                        cost = @event.CostUsd ?? 0;
                        if (await services.AnswerCheck.ProblemAsync(context, cancellationToken) is { } invalid)
                        {
                            await FailAsync(http, ProblemTypes.UpstreamFailed, invalid, cancellationToken);
                            return;
                        }
                        if (route is not null)
                        {
                            await services.Answers.RecordAsync(context, route);
                        }
                        await context.AnsweredAsync(cancellationToken);
                        await UsageComment.WriteAsync(http.Response, usage, cost, cancellationToken);
                        await WriteAsync(http, "done", Done(route, usage, cost), PlatformJsonContext.Default.ChatStreamDone, cancellationToken);
                        return;
                    case CompletionStreamEvent.Failed:
                        await FailAsync(http, ProblemTypes.UpstreamFailed, @event.Error ?? "The stream failed.", cancellationToken);
                        return;
                }
            }

            if (begun)
            {
                await FailAsync(http, ProblemTypes.UpstreamFailed, "The stream ended without completing.", cancellationToken);
            }
            else
            {
                await SseResponse.FailBeforeStartAsync(http, context, "ended");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Status = "error";
            context.Error = "client disconnected";
        }
        catch (Exception ex) when (ex is Clients.DownstreamException or HttpRequestException or IOException or JsonException)
        {
            LogStreamFailed(logger, ex);
            if (begun)
            {
                await FailAsync(http, ProblemTypes.UpstreamFailed, "The stream from the router broke.", CancellationToken.None);
            }
            else
            {
                await SseResponse.FailBeforeStartAsync(http, context, "broke");
            }
        }
        finally
        {
            services.Events.Publish(InferenceEvents.From(context, route, usage, cost, started, services.Clock.GetUtcNow()));
        }
    }

    private ChatStreamDone Done(RouteDecision? route, TokenUsage? usage, decimal cost) => new(
        context.ConversationId ?? "",
        context.RequestId,
        route?.Route ?? context.Request.Model ?? "default",
        route?.Deployment ?? "",
        route?.Provider ?? "",
        usage?.InputTokens ?? 0,
        usage?.OutputTokens ?? 0,
        cost,
        CacheOutcomes.Of(context),
        [.. context.GuardFindings.Select(f => f.Type).Distinct(StringComparer.Ordinal)],
        ChatApi.CitationsOf(context));

    private async Task FailAsync(HttpContext http, string type, string message, CancellationToken cancellationToken)
    {
        context.Status = "error";
        context.Error = message;
        await WriteAsync(http, "error", new ChatStreamError(type, message, context.RequestId), PlatformJsonContext.Default.ChatStreamError, cancellationToken);
    }

    /// <summary>One event, serialized straight into the response's buffer and sent with one flush.</summary>
    private static async Task WriteAsync<T>(HttpContext http, string name, T payload, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var body = http.Response.BodyWriter;
        body.Write("event: "u8);
        System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, name, body);
        body.Write("\ndata: "u8);
        using (var json = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(json, payload, type);
        }
        body.Write("\n\n"u8);
        await body.FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Streaming a chat answer failed")]
    private static partial void LogStreamFailed(ILogger logger, Exception ex);
}

using System.Buffers;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Api;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Streaming;

/// <summary>
/// Writes a streamed answer as OpenAI chat.completion.chunk server-sent events ending with <c>data: [DONE]</c>.
/// Nothing is written until the first event: a route that fails before its first token is still a clean 502. Tool
/// calls arrive whole and are written as one <c>tool_calls</c> delta each; an answer that must be JSON is checked
/// before the finish chunk (<see cref="StreamedAnswerCheck"/>). A failure after the first chunk ends the stream with
/// <c>data: {"error":{"type":…,"message":…}}</c> and no <c>[DONE]</c>.
/// </summary>
public sealed partial class ChatCompletionStreamResult(
    PipelineContext context, IAsyncEnumerable<CompletionStreamEvent> events, ChatServices services, long started) : IResult
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        var logger = services.LoggerFactory.CreateLogger<ChatCompletionStreamResult>();
        var cancellationToken = http.RequestAborted;
        RouteDecision? route = null;
        TokenUsage? usage = null;
        decimal cost = 0;
        var created = services.Clock.GetUtcNow().ToUnixTimeSeconds();
        var includeUsage = context.Request.StreamOptions?.IncludeUsage == true;
        var begun = false;
        var toolCalls = 0;

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
                    await WriteChunkAsync(http, Chunk(created, route, new ChunkDelta("assistant", ""), null), cancellationToken);
                    begun = true;
                }

                switch (@event.Type)
                {
                    case CompletionStreamEvent.Delta:
                        if (!string.IsNullOrEmpty(@event.Text))
                        {
                            await WriteChunkAsync(http, Chunk(created, route, new ChunkDelta(null, @event.Text), null), cancellationToken);
                        }
                        if (@event.ToolCalls is { Count: > 0 } calls)
                        {
                            await WriteChunkAsync(http, Chunk(created, route, new ChunkDelta(null, null, Api.ToolWire.ToChunk(calls, toolCalls)), null), cancellationToken);
                            toolCalls += calls.Count;
                        }
                        break;
                    case CompletionStreamEvent.Done:
                        route = @event.Route ?? route;
                        usage = @event.Usage;
                        cost = @event.CostUsd ?? 0;
                        if (await services.AnswerCheck.ProblemAsync(context, cancellationToken) is { } invalid)
                        {
                            context.Status = "error";
                            context.Error = invalid;
                            await WriteErrorAsync(http, invalid, cancellationToken, "invalid_response_format");
                            return;
                        }
                        await WriteChunkAsync(http, Chunk(created, route, new ChunkDelta(null, null), @event.FinishReason ?? "stop"), cancellationToken);
                        if (includeUsage && usage is not null)
                        {
                            await WriteChunkAsync(http, new ChatCompletionChunk(context.RequestId, "chat.completion.chunk", created, route?.Deployment ?? "", [],
                                new CompletionUsage(usage.InputTokens, usage.OutputTokens, usage.InputTokens + usage.OutputTokens)), cancellationToken);
                        }
                        if (route is not null)
                        {
                            await services.Answers.RecordAsync(context, route);
                        }
                        await context.AnsweredAsync(cancellationToken);
                        await UsageComment.WriteAsync(http.Response, usage, cost, cancellationToken);
                        await http.Response.Body.WriteAsync(Done, cancellationToken);
                        await http.Response.Body.FlushAsync(cancellationToken);
                        return;
                    case CompletionStreamEvent.Failed:
                        context.Status = "error";
                        context.Error = @event.Error;
                        await WriteErrorAsync(http, @event.Error ?? "The stream failed.", cancellationToken);
                        return;
                }
            }

            if (begun)
            {
                context.Status = "error";
                context.Error = "the stream ended without completing";
                await WriteErrorAsync(http, context.Error, cancellationToken);
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
                context.Status = "error";
                context.Error = "the stream from the router broke";
                await WriteErrorAsync(http, context.Error, CancellationToken.None);
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

    private ChatCompletionChunk Chunk(long created, RouteDecision? route, ChunkDelta delta, string? finishReason) =>
        new(context.RequestId, "chat.completion.chunk", created, route?.Deployment ?? "", [new ChunkChoice(0, delta, finishReason)]);

    /// <summary>One event per chunk, serialized straight into the response's buffer and sent with one flush.</summary>
    private static async Task WriteChunkAsync(HttpContext http, ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        var body = http.Response.BodyWriter;
        body.Write(DataPrefix);
        using (var json = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(json, chunk, OpenAIJsonContext.Default.ChatCompletionChunk);
        }
        body.Write(EventEnd);
        await body.FlushAsync(cancellationToken);
    }

    private static async Task WriteErrorAsync(HttpContext http, string message, CancellationToken cancellationToken, string type = "upstream_error")
    {
        var error = new StringBuilder("data: {\"error\":{\"type\":")
            .Append(JsonSerializer.Serialize(type, ErrorJsonContext.Default.String))
            .Append(",\"message\":")
            .Append(JsonSerializer.Serialize(message, ErrorJsonContext.Default.String))
            .Append("}}\n\n")
            .ToString();
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(error), cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Streaming a chat completion failed")]
    private static partial void LogStreamFailed(ILogger logger, Exception ex);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ErrorJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

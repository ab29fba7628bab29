using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Platform;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Api;

/// <summary>
/// <c>POST /api/chat</c>: a conversation kept by the platform. The new message becomes a chat completion request
/// that runs through the same pipeline as <c>/v1/chat/completions</c>, whose "memory" step adds the remembered
/// (masked) turns and stores the new one. With
/// <c>"stream": true</c> the answer comes as server-sent events (<see cref="Streaming.ChatStreamResult"/>).
/// </summary>
public static partial class ChatApi
{
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireTenant();
        api.MapPost("/chat", Chat);
        return api;
    }

    public static async Task<IResult> Chat(HttpContext http, [AsParameters] ChatServices services, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (request, problem) = await JsonBody.ReadAsync(http.Request, PlatformJsonContext.Default.ChatRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (Validate(request!) is { } invalid)
        {
            return JsonBody.Validation(invalid);
        }

        // The earlier turns are the pipeline's "memory" step's to load and store.
        var completionRequest = new ChatCompletionRequest
        {
            Model = request!.Model,
            Stream = request.Stream == true ? true : null,
            Messages = [new ChatMessage { Role = "user", Content = JsonSerializer.SerializeToElement(request.Message!, PlatformJsonContext.Default.String) }],
        };
        var context = new PipelineContext("chatcmpl-" + Guid.CreateVersion7().ToString("N"), http.GetTenant(), completionRequest)
        {
            ConversationId = request.ConversationId ?? "conv-" + Guid.CreateVersion7().ToString("N"),
            ContinuesConversation = request.ConversationId is not null,
            Collection = request.Collection,
            Retrieval = request.Rag ?? "auto",
        };
        http.Response.Headers[AiAspireHeaders.RequestId] = context.RequestId;
        await services.Pipeline.RunAsync(context, cancellationToken);

        if (context.Problem is { } failed)
        {
            services.Events.Publish(InferenceEvents.From(context, null, null, 0, started, services.Clock.GetUtcNow()));
            return failed;
        }
        if (context.Events is { } events)
        {
            return new Streaming.ChatStreamResult(context, events, services, started);
        }

        var completion = context.Completion!;
        services.Events.Publish(InferenceEvents.From(context, completion.Route, completion.Usage, completion.CostUsd, started, services.Clock.GetUtcNow()));
        await services.Answers.RecordAsync(context, completion.Route);

        ChatCompletionsApi.SetRouteHeaders(http.Response, completion.Route, Caching.CacheOutcomes.Of(context));
        http.Response.Headers[AiAspireHeaders.Cost] = completion.CostUsd.ToString("0.########", CultureInfo.InvariantCulture);
        return TypedResults.Json(
            new ChatReply(context.ConversationId, context.RequestId, completion.Text, completion.Route.Deployment, CitationsOf(context)),
            PlatformJsonContext.Default.ChatReply);
    }

    internal static List<ChatCitation>? CitationsOf(PipelineContext context) =>
        context.RetrievedChunks.Count == 0
            ? null
            : [.. context.RetrievedChunks.Select((c, i) => new ChatCitation(i + 1, c.Source, c.HeadingPath, c.DocId, c.ChunkId, c.Score))];

    private static string? Validate(ChatRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Message))
        {
            return "message is required and must not be blank.";
        }
        if (request.ConversationId is { } id && !ConversationId().IsMatch(id))
        {
            return "conversationId must be an id returned by /api/chat (conv-…).";
        }
        if (request.Rag is { } rag && rag is not ("on" or "off" or "auto"))
        {
            return "rag must be \"on\", \"off\" or \"auto\".";
        }
        if (request.Collection is { } collection && !CollectionName().IsMatch(collection))
        {
            return "collection must be 1..64 letters, digits, '-' or '_'.";
        }
        if (request.Model is { } model && (model.Length is 0 or > 128))
        {
            return "model must be 1..128 characters.";
        }
        return null;
    }

    [GeneratedRegex("^conv-[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ConversationId();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CollectionName();
}

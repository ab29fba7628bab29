using System.Diagnostics;
using System.Globalization;
using AiAspire.Contracts;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Streaming;

namespace AiAspire.Orchestrator.Api;

/// <summary>The facade: the OpenAI-compatible surface over the prompt pipeline.</summary>
public static class ChatCompletionsApi
{
    public static RouteGroupBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireTenant();
        api.MapPost("/chat/completions", CreateChatCompletion);
        api.MapGet("/models", ListModels);
        api.MapPost("/embeddings", CreateEmbeddings);
        return api;
    }

    public static async Task<IResult> CreateChatCompletion(HttpContext http, [AsParameters] ChatServices services, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (request, problem) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.ChatCompletionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var context = new PipelineContext("chatcmpl-" + Guid.CreateVersion7().ToString("N"), http.GetTenant(), request!)
        {
            BypassCache = http.Request.GetTypedHeaders().CacheControl?.NoCache == true,
            Strategy = http.Request.Headers[RouterHeaders.Strategy] is { Count: 1 } strategy && strategy[0] is { Length: > 0 and <= 64 } name ? name : null,
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
            return new ChatCompletionStreamResult(context, events, services, started);
        }

        var completion = context.Completion!;
        services.Events.Publish(InferenceEvents.From(context, completion.Route, completion.Usage, completion.CostUsd, started, services.Clock.GetUtcNow()));
        await services.Answers.RecordAsync(context, completion.Route);
        SetRouteHeaders(http.Response, completion.Route, CacheOutcomes.Of(context));
        http.Response.Headers[AiAspireHeaders.Cost] = completion.CostUsd.ToString("0.########", CultureInfo.InvariantCulture);

        return TypedResults.Json(
            new ChatCompletionResponse(
                context.RequestId,
                "chat.completion",
                services.Clock.GetUtcNow().ToUnixTimeSeconds(),
                completion.Route.Deployment,
                [new ChatChoice(0, new AssistantMessage("assistant", completion.ToolCalls is { Count: > 0 } && completion.Text.Length == 0 ? null : completion.Text,
                    ToolWire.ToWire(completion.ToolCalls)), completion.FinishReason)],
                new CompletionUsage(completion.Usage.InputTokens, completion.Usage.OutputTokens, completion.Usage.InputTokens + completion.Usage.OutputTokens)),
            OpenAIJsonContext.Default.ChatCompletionResponse);
    }

    public static async Task<IResult> ListModels(HttpContext http, IRouterClient router, CancellationToken cancellationToken)
    {
        try
        {
            var models = await router.ListModelsAsync(http.GetTenant(), cancellationToken);
            return TypedResults.Json(
                new ModelList("list", [.. models.Select(m => new ModelCard(m.Id, "model", 0, m.Kind == "route" ? "aiaspire" : m.Provider))]),
                OpenAIJsonContext.Default.ModelList);
        }
        catch (DownstreamException ex)
        {
            return TypedResults.Problem("The model list is unavailable: " + ex.Message,
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
    }

    public static async Task<IResult> CreateEmbeddings(HttpContext http, RagClient rag, CancellationToken cancellationToken)
    {
        try
        {
            var (status, contentType, body) = await rag.ForwardEmbeddingsAsync(http.GetTenant(), http.Request.Body, http.Request.ContentType, cancellationToken);
            return TypedResults.Text(System.Text.Encoding.UTF8.GetString(body), contentType, statusCode: status);
        }
        catch (DownstreamException ex)
        {
            return TypedResults.Problem("Embeddings are unavailable: " + ex.Message,
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
    }

    /// <param name="cache">"exact", "semantic" or "miss" (<see cref="CacheOutcomes"/>).</param>
    internal static void SetRouteHeaders(HttpResponse response, RouteDecision route, string cache = CacheOutcomes.Miss)
    {
        response.Headers[AiAspireHeaders.Route] = $"{route.Route};strategy={route.Strategy};attempts={route.Attempts.Count(a => a.Outcome != "skipped")}";
        response.Headers[AiAspireHeaders.Model] = route.Deployment;
        response.Headers[AiAspireHeaders.Cache] = cache;
    }
}

using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>Asks the router for the answer (or the stream of it). An unknown model is the caller's 404; the rest is a 502.</summary>
public sealed partial class InferStep(IRouterClient router, ILogger<InferStep> logger) : IPipelineStep
{
    public string Name => "infer";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var completion = CompletionOf(context);

        try
        {
            if (context.IsStreaming)
            {
                context.Events = KeepMaskedAnswer(await router.StreamAsync(context.Tenant, completion, cancellationToken), context);
            }
            else
            {
                context.Completion = await router.CompleteAsync(context.Tenant, completion, cancellationToken);
                context.MaskedAnswer.Append(context.Completion.Text);
            }
        }
        catch (DownstreamException ex)
        {
            LogInferenceFailed(ex, ex.Status);
            context.Status = "error";
            context.Error = ex.Message;
            var (type, detail) = ProblemOf(ex);
            context.Problem = ex.IsCallerError
                ? TypedResults.Problem(detail ?? "The model cannot serve this request.",
                    statusCode: (int)ex.Status!.Value, title: "Model not available", type: type ?? ProblemTypes.UnknownModel)
                : TypedResults.Problem("No model could answer: " + (detail ?? ex.Message),
                    statusCode: StatusCodes.Status502BadGateway, type: ProblemTypes.UpstreamFailed);
        }
    }

    /// <summary>What the router is asked: the masked, extended conversation and the caller's parameters.</summary>
    internal static CompletionRequest CompletionOf(PipelineContext context)
    {
        var request = context.Request;
        var (tools, toolChoice, _) = Api.ToolWire.Parse(request.Tools, request.ToolChoice);
        return new CompletionRequest(
            context.Messages,
            Model: request.Model,
            Strategy: context.Strategy,
            MaxTokens: request.MaxCompletionTokens ?? request.MaxTokens,
            Temperature: request.Temperature,
            TopP: request.TopP,
            Stop: ValidateStep.StopSequences(request.Stop) is { Count: > 0 } stop ? stop : null,
            Seed: request.Seed,
            ResponseFormat: request.ResponseFormat,
            User: request.User,
            Tools: tools,
            ToolChoice: toolChoice);
    }

    private static async IAsyncEnumerable<CompletionStreamEvent> KeepMaskedAnswer(
        IAsyncEnumerable<CompletionStreamEvent> events, PipelineContext context)
    {
        await foreach (var @event in events)
        {
            if (@event.Type == CompletionStreamEvent.Delta)
            {
                context.MaskedAnswer.Append(@event.Text);
            }
            yield return @event;
        }
    }

    /// <summary>The router's problem type and detail (unknown model, unservable request, unknown strategy…).</summary>
    private static (string? Type, string? Detail) ProblemOf(DownstreamException ex)
    {
        if (ex.Problem is not { Length: > 0 } body)
        {
            return (null, null);
        }
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            var root = document.RootElement;
            return (
                root.TryGetProperty("type", out var type) && type.ValueKind == System.Text.Json.JsonValueKind.String ? type.GetString() : null,
                root.TryGetProperty("detail", out var detail) && detail.ValueKind == System.Text.Json.JsonValueKind.String ? detail.GetString() : null);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference failed ({Status})")]
    private partial void LogInferenceFailed(Exception ex, System.Net.HttpStatusCode? status);
}

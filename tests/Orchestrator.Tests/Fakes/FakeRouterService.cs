using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>
/// RouterService's contract: <c>POST /v1/complete</c> as JSON or as server-sent <see cref="CompletionStreamEvent"/>s, whose
/// deltas cut <see cref="FakeGuardrailService.Placeholder"/> in pieces. Records every request body as received.
/// </summary>
public sealed class FakeRouterService : FakeService
{
    public const string Deployment = "fake-gpt-mini";

    /// <summary>The answer, in the masked form a model would write it.</summary>
    public static readonly string[] Deltas = ["Sure, I will write to <", "EM", "AIL_1", "> today."];

    public static string Answer => string.Concat(Deltas);

    public static readonly TokenUsage Usage = new(42, 7);

    public const decimal CostUsd = 0.00125m;

    public static readonly RouteDecision Route = new("default", Deployment, "gpt-mini", "fake", "priority",
        [new RouteAttempt("skipped-one", "skipped", 0), new RouteAttempt("broken-one", "error", 3, "boom"), new RouteAttempt(Deployment, "ok", 12)]);

    public enum Behavior
    {
        Answer,
        UnknownModel,
        FailBeforeFirstToken,

        /// <summary>Answers 200 with an event stream that closes before any event.</summary>
        EmptyStream,

        /// <summary>Streams the deltas, then closes without "done".</summary>
        EndWithoutDone,

        /// <summary>Streams two deltas, then an event that is not JSON.</summary>
        MalformedEvent,
    }

    public Behavior Mode { get; set; } = Behavior.Answer;

    /// <summary>The text of a non-streamed answer instead of <see cref="Answer"/>, when set.</summary>
    public string? CompletionText { get; set; }

    /// <summary>Raw JSON bodies of <c>/v1/complete</c>, as they came over the wire.</summary>
    public ConcurrentQueue<string> CompleteBodies { get; } = new();

    public IEnumerable<CompletionRequest> CompleteRequests =>
        CompleteBodies.Select(body => JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CompletionRequest)!);

    public override void Reset()
    {
        base.Reset();
        Mode = Behavior.Answer;
        CompletionText = null;
        CompleteBodies.Clear();
    }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v1/models", (HttpContext context) => WriteAsync(context,
            [new ModelDescriptor("default", "route", "", null), new ModelDescriptor(Deployment, "deployment", "fake", "gpt-mini")],
            ContractsJsonContext.Default.IReadOnlyListModelDescriptor));

        app.MapPost("/v1/complete", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            CompleteBodies.Enqueue(body);
            var request = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CompletionRequest)!;

            if (Mode == Behavior.UnknownModel)
            {
                await WriteProblemAsync(context, StatusCodes.Status404NotFound, ProblemTypes.UnknownModel, $"No deployment or route is named '{request.Model}'.");
                return;
            }

            if (!request.Stream)
            {
                await WriteAsync(context, new CompletionResponse(CompletionText ?? Answer, "stop", Route, Usage, CostUsd), ContractsJsonContext.Default.CompletionResponse);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            if (Mode == Behavior.FailBeforeFirstToken)
            {
                await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Failed,
                    Route: Route with { Deployment = "" }, Error: "Every deployment of 'default' failed."));
                return;
            }
            if (Mode == Behavior.EmptyStream)
            {
                await context.Response.Body.FlushAsync();
                return;
            }
            await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Start, Route: Route));
            for (var i = 0; i < Deltas.Length; i++)
            {
                if (Mode == Behavior.MalformedEvent && i == 2)
                {
                    await context.Response.WriteAsync("data: {\"type\":\"delta\",\"text\":\n\n");
                    return;
                }
                await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: Deltas[i]));
            }
            if (Mode == Behavior.EndWithoutDone)
            {
                return;
            }
            await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Done, FinishReason: "stop", Route: Route, Usage: Usage, CostUsd: CostUsd));
        });
    }

    private static async Task WriteEventAsync(HttpContext context, CompletionStreamEvent @event)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(@event, ContractsJsonContext.Default.CompletionStreamEvent) + "\n\n");
        await context.Response.Body.FlushAsync();
    }
}

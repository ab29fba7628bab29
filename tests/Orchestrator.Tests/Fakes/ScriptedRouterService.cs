using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>
/// RouterService's <c>POST /v1/complete</c> answering whatever a test scripts: the deltas of the answer, tool calls, a
/// break after some deltas, or a stall after the first delta (until the caller goes away, which it records).
/// </summary>
public sealed class ScriptedRouterService : FakeService
{
    public const string Deployment = "scripted-model";

    public static readonly TokenUsage Usage = new(20, 5);

    public const decimal CostUsd = 0.002m;

    public static readonly RouteDecision Route = new("default", Deployment, "scripted", "fake", "priority", [new RouteAttempt(Deployment, "ok", 5)]);

    public IReadOnlyList<string> Deltas { get; set; } = [];

    public IReadOnlyList<ToolCall>? ToolCalls { get; set; }

    /// <summary>After this many deltas, the stream ends with an "error" event.</summary>
    public int? FailAfter { get; set; }

    /// <summary>After the first delta, wait until the caller disconnects.</summary>
    public bool StallAfterFirstDelta { get; set; }

    /// <summary>Set when a stalled stream saw its caller go away.</summary>
    public TaskCompletionSource CallerWentAway { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<CompletionRequest> Requests { get; } = new();

    public string Answer => string.Concat(Deltas);

    public override void Reset()
    {
        base.Reset();
        Deltas = ["The answer ", "is ", "forty-two."];
        ToolCalls = null;
        FailAfter = null;
        StallAfterFirstDelta = false;
        CallerWentAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Clear();
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/complete", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.CompletionRequest);
            Requests.Enqueue(request);
            var finish = ToolCalls is { Count: > 0 } ? "tool_calls" : "stop";
            if (!request.Stream)
            {
                await WriteAsync(context, new CompletionResponse(Answer, finish, Route, Usage, CostUsd, ToolCalls), ContractsJsonContext.Default.CompletionResponse);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            await EventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Start, Route: Route));
            for (var i = 0; i < Deltas.Count; i++)
            {
                if (i == FailAfter)
                {
                    await EventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Failed, Route: Route, Error: "The stream from scripted-model broke after it started."));
                    return;
                }
                await EventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: Deltas[i]));
                if (StallAfterFirstDelta)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        CallerWentAway.TrySetResult();
                    }
                    return;
                }
            }
            if (ToolCalls is { Count: > 0 } calls)
            {
                await EventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Delta, ToolCalls: calls));
            }
            await EventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Done, FinishReason: finish, Route: Route, Usage: Usage, CostUsd: CostUsd));
        });
    }

    private static async Task EventAsync(HttpContext context, CompletionStreamEvent @event)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(@event, ContractsJsonContext.Default.CompletionStreamEvent) + "\n\n");
        await context.Response.Body.FlushAsync();
    }
}

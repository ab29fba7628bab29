using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>
/// RouterService's contract, answering with the last user message exactly as it arrived (masked by the guard), or with
/// the caller's system prompt when <see cref="LeakSystemPrompt"/> is set; streamed in deltas of
/// <see cref="DeltaChars"/> characters, so a placeholder is cut between deltas. Records every request body.
/// </summary>
public sealed class EchoRouterService : FakeService
{
    public const int DeltaChars = 5;

    private static readonly RouteDecision Route = new("default", "echo", "echo-model", "fake", "priority", []);

    public ConcurrentQueue<string> CompleteBodies { get; } = new();

    /// <summary>Answer with the system message that holds <see cref="GuardModeTests.SystemPrompt"/> instead of echoing.</summary>
    public bool LeakSystemPrompt { get; set; }

    public override void Reset()
    {
        base.Reset();
        CompleteBodies.Clear();
        LeakSystemPrompt = false;
    }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v1/models", (HttpContext context) => WriteAsync(context,
            [new ModelDescriptor("default", "route", "", null)], ContractsJsonContext.Default.IReadOnlyListModelDescriptor));

        app.MapPost("/v1/complete", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            CompleteBodies.Enqueue(body);
            var request = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CompletionRequest)!;
            var answer = LeakSystemPrompt
                ? request.Messages.First(m => m.Content.Contains(GuardModeTests.SystemPrompt, StringComparison.Ordinal)).Content
                : request.Messages.Last(m => m.Role == "user").Content;
            var usage = new TokenUsage(10, 10);

            if (!request.Stream)
            {
                await WriteAsync(context, new CompletionResponse(answer, "stop", Route, usage, 0m), ContractsJsonContext.Default.CompletionResponse);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Start, Route: Route));
            for (var at = 0; at < answer.Length; at += DeltaChars)
            {
                await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: answer[at..Math.Min(answer.Length, at + DeltaChars)]));
            }
            await WriteEventAsync(context, new CompletionStreamEvent(CompletionStreamEvent.Done, FinishReason: "stop", Route: Route, Usage: usage, CostUsd: 0m));
        });
    }

    private static async Task WriteEventAsync(HttpContext context, CompletionStreamEvent @event)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(@event, ContractsJsonContext.Default.CompletionStreamEvent) + "\n\n");
        await context.Response.Body.FlushAsync();
    }
}

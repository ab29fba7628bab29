using System.Runtime.CompilerServices;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Streaming;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Restores masked values in the answer (and checks it). Streams are released in segments that never split a
/// placeholder, and only segments that may hold one are sent to the guardrails.
/// </summary>
public sealed partial class GuardOutputStep(GuardrailClient guardrails, ILogger<GuardOutputStep> logger) : IPipelineStep
{
    public string Name => "guard-output";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        if (context.Events is { } events)
        {
            context.Events = UnmaskStream(events, context, cancellationToken);
            return;
        }
        if (context.Completion is not { } completion)
        {
            return;
        }

        try
        {
            var verdict = await guardrails.CheckOutputAsync(
                context.Tenant,
                new GuardOutputRequest(completion.Text, context.VaultId, SystemPromptOf(context), SchemaOf(context)),
                cancellationToken);
            if (!verdict.Allowed)
            {
                context.Status = "blocked";
                var reasons = verdict.Reasons is { Count: > 0 } r ? ": " + string.Join("; ", r) : ".";
                context.Problem = TypedResults.Problem("The answer was blocked by the output guardrails" + reasons,
                    statusCode: StatusCodes.Status422UnprocessableEntity, title: "Blocked", type: ProblemTypes.Blocked);
                return;
            }
            context.Completion = completion with { Text = verdict.Text, ToolCalls = await UnmaskToolCallsAsync(completion.ToolCalls, context, cancellationToken) };
        }
        catch (DownstreamException ex)
        {
            LogGuardFailed(ex, ex.Status);
            context.Status = "error";
            context.Error = "output guardrails unavailable";
            context.Problem = TypedResults.Problem("The output guardrails are unavailable, so the answer was withheld.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
    }

    /// <summary>The template's and the caller's system instructions (not the retrieved context), for the leakage check.</summary>
    private static string? SystemPromptOf(PipelineContext context)
    {
        var system = string.Join("\n", (context.Request.Messages ?? [])
            .Where(m => m.Role is "system" or "developer")
            .Select(m => m.GetText())
            .Prepend(context.TemplateSystemPrompt ?? "")
            .Where(text => text.Length > 0));
        return system.Length == 0 ? null : system;
    }

    /// <summary>The JSON schema of <c>response_format: {type: json_schema}</c>, when the caller asked for one.</summary>
    private static System.Text.Json.JsonElement? SchemaOf(PipelineContext context) =>
        context.Request.ResponseFormat is { ValueKind: System.Text.Json.JsonValueKind.Object } format
        && format.TryGetProperty("type", out var type) && type.ValueEquals("json_schema")
        && format.TryGetProperty("json_schema", out var jsonSchema)
        && jsonSchema.ValueKind == System.Text.Json.JsonValueKind.Object
        && jsonSchema.TryGetProperty("schema", out var schema)
            ? schema
            : null;

    private async IAsyncEnumerable<CompletionStreamEvent> UnmaskStream(
        IAsyncEnumerable<CompletionStreamEvent> events, PipelineContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (context.VaultId is null)
        {
            await foreach (var @event in events.WithCancellation(cancellationToken))
            {
                yield return @event;
            }
            yield break;
        }

        var pending = new StringBuilder();
        await foreach (var @event in events.WithCancellation(cancellationToken))
        {
            if (@event is { Type: CompletionStreamEvent.Delta, ToolCalls: null })
            {
                pending.Append(@event.Text);
                var safe = PlaceholderSplitter.SafeLength(pending.ToString());
                if (safe == 0)
                {
                    continue;
                }
                var segment = pending.ToString(0, safe);
                pending.Remove(0, safe);
                var (text, failure) = await UnmaskAsync(segment, context, cancellationToken);
                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }
                yield return @event with { Text = text };
                continue;
            }

            if (@event.ToolCalls is not null)
            {
                pending.Append(@event.Text);
            }
            if (pending.Length > 0)
            {
                var (text, failure) = await UnmaskAsync(pending.ToString(), context, cancellationToken);
                pending.Clear();
                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }
                yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: text);
            }
            if (@event.ToolCalls is { Count: > 0 } calls)
            {
                yield return @event with { Text = null, ToolCalls = await UnmaskToolCallsAsync(calls, context, cancellationToken) };
                continue;
            }
            yield return @event;
        }
    }

    /// <summary>The calls with masked values in their arguments restored, so the caller can act on them.</summary>
    private async Task<IReadOnlyList<ToolCall>?> UnmaskToolCallsAsync(IReadOnlyList<ToolCall>? calls, PipelineContext context, CancellationToken cancellationToken)
    {
        if (calls is not { Count: > 0 } || context.VaultId is null || !calls.Any(c => PlaceholderSplitter.MayHoldPlaceholder(c.Arguments)))
        {
            return calls;
        }
        var restored = new List<ToolCall>(calls.Count);
        foreach (var call in calls)
        {
            var (arguments, failure) = await UnmaskAsync(call.Arguments, context, cancellationToken);
            restored.Add(failure is null ? call with { Arguments = arguments } : call);
        }
        return restored;
    }

    private async Task<(string Text, CompletionStreamEvent? Failure)> UnmaskAsync(string segment, PipelineContext context, CancellationToken cancellationToken)
    {
        if (!PlaceholderSplitter.MayHoldPlaceholder(segment))
        {
            return (segment, null);
        }
        try
        {
            var verdict = await guardrails.CheckOutputAsync(context.Tenant, new GuardOutputRequest(segment, context.VaultId), cancellationToken);
            return verdict.Allowed
                ? (verdict.Text, null)
                : ("", new CompletionStreamEvent(CompletionStreamEvent.Failed, Error: "The answer was blocked by the output guardrails."));
        }
        catch (DownstreamException ex)
        {
            LogGuardFailed(ex, ex.Status);
            context.Status = "error";
            context.Error = "output guardrails unavailable";
            return ("", new CompletionStreamEvent(CompletionStreamEvent.Failed, Error: "The output guardrails are unavailable, so the rest of the answer was withheld."));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Output guardrails failed ({Status}); failing closed")]
    private partial void LogGuardFailed(Exception ex, System.Net.HttpStatusCode? status);
}

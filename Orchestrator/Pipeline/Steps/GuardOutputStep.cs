using System.Runtime.CompilerServices;
using System.Text;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Streaming;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Restores masked values in the answer and checks it. A streamed answer is checked in windows under one stream id, so
/// that the guard sees a system prompt or a content term split across windows (it keeps the stream's tail); a window is
/// released only once the guard allowed it, and never splits a placeholder.
/// </summary>
/// <remarks>
/// Trade-off: text is held back until its window is checked, so the first token reaches the caller one window's
/// generation time (plus one guard call) later than the model produced it. In exchange nothing unchecked is ever sent:
/// a refused window ends the stream with an error event and none of it is released, and guardrails that cannot be
/// reached fail closed the same way.
/// </remarks>
public sealed partial class GuardOutputStep(
    IGuardrailClient guardrails, GuardPolicyVersions policyVersions, IOptionsMonitor<OutputGuardOptions> options, IHttpContextAccessor http,
    ILogger<GuardOutputStep> logger) : IPipelineStep
{
    public string Name => "guard-output";

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        if (context.Events is { } events)
        {
            context.Events = GuardStream(events, context, cancellationToken);
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
            policyVersions.Observe(verdict.PolicyVersion);
            context.OutputPolicyVersion = verdict.PolicyVersion;
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
            if (http.HttpContext is { Response.HasStarted: false } current)
            {
                current.Response.Headers.RetryAfter = GuardrailClient.RetryAfterSeconds;
            }
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

    private async IAsyncEnumerable<CompletionStreamEvent> GuardStream(
        IAsyncEnumerable<CompletionStreamEvent> events, PipelineContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A stream the caller abandons leaves its tail in the guard's store until the store's TTL expires.
        var stream = new StreamWindow("orch-" + Guid.NewGuid().ToString("N"), SystemPromptOf(context));
        // Room for a window and the delta that completes it: the pending text then stays one chunk, scanned in place.
        var pending = new StringBuilder(2 * options.CurrentValue.StreamWindowChars);
        await foreach (var @event in events.WithCancellation(cancellationToken))
        {
            if (@event is { Type: CompletionStreamEvent.Delta, ToolCalls: null })
            {
                pending.Append(@event.Text);
                for (var length = WindowLength(pending, options.CurrentValue.StreamWindowChars); length > 0;
                     length = WindowLength(pending, options.CurrentValue.StreamWindowChars))
                {
                    var window = pending.ToString(0, length);
                    pending.Remove(0, length);
                    var (text, failure) = await CheckWindowAsync(window, stream, final: false, context, cancellationToken);
                    if (failure is not null)
                    {
                        yield return failure;
                        yield break;
                    }
                    yield return @event with { Text = text };
                }
                continue;
            }

            // Tool calls and the stream's end close the text before them: no placeholder continues past them.
            pending.Append(@event.ToolCalls is not null ? @event.Text : null);
            var last = @event.Type is CompletionStreamEvent.Done or CompletionStreamEvent.Failed;
            if (pending.Length > 0 || (last && stream.Checked))
            {
                var (text, failure) = await CheckWindowAsync(pending.ToString(), stream, final: last, context, cancellationToken);
                pending.Clear();
                if (failure is not null)
                {
                    yield return failure;
                    yield break;
                }
                if (text.Length > 0)
                {
                    yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: text);
                }
            }
            if (@event.ToolCalls is { Count: > 0 } calls)
            {
                yield return @event with { Text = null, ToolCalls = await UnmaskToolCallsAsync(calls, context, cancellationToken) };
                continue;
            }
            yield return @event;
        }
    }

    /// <returns>
    /// How many leading characters of <paramref name="pending"/> form the next window: all of it once it reaches
    /// <paramref name="windowChars"/>, else up to its last sentence or line end; less any unfinished placeholder at its
    /// end. Zero: wait for more.
    /// </returns>
    internal static int WindowLength(StringBuilder pending, int windowChars)
    {
        if (pending.Length == 0)
        {
            return 0;
        }
        // This runs for every delta of a stream: the pending text is read where it is, not copied, unless the builder
        // has grown into more than one chunk.
        var text = default(ReadOnlySpan<char>);
        var chunks = 0;
        foreach (var chunk in pending.GetChunks())
        {
            if (chunks++ > 0)
            {
                break;
            }
            text = chunk.Span;
        }
        if (chunks > 1)
        {
            text = pending.ToString();
        }
        var end = text.Length >= windowChars ? text.Length : LastSentenceEnd(text);
        return end == 0 ? 0 : PlaceholderSplitter.SafeLength(text[..end]);
    }

    /// <returns>The offset just past the last newline, or past the whitespace after the last '.', '!' or '?'; 0 when none.</returns>
    private static int LastSentenceEnd(ReadOnlySpan<char> text)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (text[i] == '\n')
            {
                return i + 1;
            }
            if (text[i] is '.' or '!' or '?' && i + 1 < text.Length && char.IsWhiteSpace(text[i + 1]))
            {
                return i + 2;
            }
        }
        return 0;
    }

    /// <summary>Checks one window of a stream; the guard restores its placeholders and sees it after the earlier windows' tail.</summary>
    private async Task<(string Text, CompletionStreamEvent? Failure)> CheckWindowAsync(
        string window, StreamWindow stream, bool final, PipelineContext context, CancellationToken cancellationToken)
    {
        try
        {
            var verdict = await guardrails.CheckOutputAsync(context.Tenant,
                new GuardOutputRequest(window, context.VaultId, stream.SystemPrompt, StreamId: stream.Id, Final: final), cancellationToken);
            policyVersions.Observe(verdict.PolicyVersion);
            stream.Checked = true;
            if (verdict.Allowed)
            {
                return (verdict.Text, null);
            }
            context.Status = "blocked";
            var reasons = verdict.Reasons is { Count: > 0 } r ? ": " + string.Join("; ", r) : ".";
            context.Error = "blocked by the output guardrails" + reasons;
            return ("", new CompletionStreamEvent(CompletionStreamEvent.Failed, Error: "The answer was blocked by the output guardrails" + reasons));
        }
        catch (DownstreamException ex)
        {
            LogGuardFailed(ex, ex.Status);
            context.Status = "error";
            context.Error = "output guardrails unavailable";
            return ("", new CompletionStreamEvent(CompletionStreamEvent.Failed, Error: "The output guardrails are unavailable, so the rest of the answer was withheld."));
        }
    }

    /// <param name="Checked">True once a window was sent: the guard then holds a tail that the final window must clear.</param>
    private sealed record StreamWindow(string Id, string? SystemPrompt)
    {
        public bool Checked { get; set; }
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

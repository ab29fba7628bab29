using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>
/// Shapes the finished answer for the API, last in the pipeline. Its job: the caller's <c>stop</c> sequences hold
/// whatever the provider did with them. Not every model honours them (the offline model ignores them, some providers
/// accept fewer than four), so an answer is cut before the first stop sequence it contains, without that sequence,
/// and finishes with "stop" — as OpenAI specifies. A streamed answer holds back only its last few characters (one
/// less than the longest stop sequence) until they cannot begin one; after a stop the rest of the upstream stream is
/// read for its usage but not sent. The masked answer (memory, events, datasets) is cut at the same sequence.
/// <para>
/// A non-streamed answer to <c>response_format: {"type":"json_object"}</c> is then made to be what was asked for: a
/// JSON object, unwrapped from the markdown code fence (<c>```json … ```</c>) models often put around it; anything
/// else is a 502, never a silently invalid 200 (a streamed answer is checked when it ends, by
/// <see cref="Streaming.StreamedAnswerCheck"/>; <c>json_schema</c> answers by the output guard).
/// </para>
/// </summary>
public sealed class FormatStep : IPipelineStep
{
    public string Name => PipelineSteps.Format;

    public ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var stops = StopsOf(context);
        if (context.Events is { } events)
        {
            if (stops.Count > 0)
            {
                context.Events = CutStream(events, stops, context, cancellationToken);
            }
            return ValueTask.CompletedTask;
        }
        if (context.Completion is not { } completion)
        {
            return ValueTask.CompletedTask;
        }
        if (stops.Count > 0 && FirstStop(completion.Text, stops) is { } at)
        {
            context.Completion = completion = completion with { Text = completion.Text[..at], FinishReason = "stop" };
            CutMaskedAnswer(context, stops);
        }
        if (AsksForJsonObject(context) && completion.ToolCalls is not { Count: > 0 })
        {
            if (JsonObjectIn(completion.Text) is not { } json)
            {
                context.Status = "error";
                context.Error = "the answer is not the JSON object response_format asked for";
                context.Problem = TypedResults.Problem("The model's answer is not the JSON object response_format asked for.",
                    statusCode: StatusCodes.Status502BadGateway, type: Contracts.ProblemTypes.UpstreamFailed);
                return ValueTask.CompletedTask;
            }
            if (json.Length != completion.Text.Length)
            {
                context.Completion = completion with { Text = json };
                var masked = context.MaskedAnswer.ToString();
                context.MaskedAnswer.Clear().Append(Unfenced(masked));
            }
        }
        return ValueTask.CompletedTask;
    }

    private static bool AsksForJsonObject(PipelineContext context) =>
        context.Request.ResponseFormat is { ValueKind: JsonValueKind.Object } format
        && format.TryGetProperty("type", out var type) && type.ValueEquals("json_object");

    /// <returns>The answer as a JSON object's text (trimmed, out of a code fence), or null when it is no JSON object.</returns>
    internal static string? JsonObjectIn(string text)
    {
        var candidate = Unfenced(text);
        try
        {
            using var document = JsonDocument.Parse(candidate);
            return document.RootElement.ValueKind == JsonValueKind.Object ? candidate : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The text without surrounding white space and without a markdown code fence around all of it.</summary>
    private static string Unfenced(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal) || !trimmed.EndsWith("```", StringComparison.Ordinal) || trimmed.Length < 6)
        {
            return trimmed;
        }
        var firstLine = trimmed.IndexOf('\n', StringComparison.Ordinal);
        if (firstLine < 0 || trimmed[3..firstLine].Trim() is not ("" or "json" or "JSON"))
        {
            return trimmed;
        }
        return trimmed[(firstLine + 1)..^3].Trim();
    }

    private static List<string> StopsOf(PipelineContext context) =>
        [.. (ValidateStep.StopSequences(context.Request.Stop) ?? []).Where(s => s.Length > 0)];

    /// <returns>Where the earliest stop sequence in <paramref name="text"/> begins, or null when it holds none.</returns>
    internal static int? FirstStop(string text, IReadOnlyList<string> stops)
    {
        int? first = null;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first))
            {
                first = at;
            }
        }
        return first;
    }

    private static void CutMaskedAnswer(PipelineContext context, IReadOnlyList<string> stops)
    {
        if (FirstStop(context.MaskedAnswer.ToString(), stops) is { } at)
        {
            context.MaskedAnswer.Length = at;
        }
    }

    private static async IAsyncEnumerable<CompletionStreamEvent> CutStream(
        IAsyncEnumerable<CompletionStreamEvent> events, IReadOnlyList<string> stops, PipelineContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var hold = stops.Max(s => s.Length) - 1;
        var pending = new StringBuilder();
        var stopped = false;
        await foreach (var @event in events.WithCancellation(cancellationToken))
        {
            if (stopped)
            {
                switch (@event.Type)
                {
                    case CompletionStreamEvent.Done:
                        CutMaskedAnswer(context, stops);
                        yield return @event with { FinishReason = "stop" };
                        yield break;
                    case CompletionStreamEvent.Failed:
                        yield return @event;
                        yield break;
                    default:
                        continue;
                }
            }

            if (@event is { Type: CompletionStreamEvent.Delta, ToolCalls: null })
            {
                pending.Append(@event.Text);
                var text = pending.ToString();
                if (FirstStop(text, stops) is { } at)
                {
                    stopped = true;
                    pending.Clear();
                    if (at > 0)
                    {
                        yield return @event with { Text = text[..at] };
                    }
                    continue;
                }
                var release = text.Length - hold;
                // Never split a surrogate pair.
                if (release > 0 && char.IsHighSurrogate(text[release - 1]))
                {
                    release--;
                }
                if (release > 0)
                {
                    pending.Remove(0, release);
                    yield return @event with { Text = text[..release] };
                }
                continue;
            }

            // Tool calls and the stream's end close the text before them; what was held back cannot begin a stop any more.
            if (@event.Type != CompletionStreamEvent.Start && pending.Length > 0)
            {
                yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: pending.ToString());
                pending.Clear();
            }
            yield return @event;
        }
    }
}

using System.Text.Json;
using AiAspire.Contracts.Guard;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Streaming;

/// <summary>
/// Checks a streamed answer once it is whole, before its end is announced: a <c>json_object</c> answer must be a JSON
/// object, and a <c>json_schema</c> answer goes through the output guardrails with the schema (as a non-streamed
/// answer does). A violation, or guardrails that cannot be reached, ends the stream with an error event instead of
/// a finish: the caller never receives a silently invalid answer as complete.
/// </summary>
public sealed partial class StreamedAnswerCheck(IGuardrailClient guardrails, ILogger<StreamedAnswerCheck> logger)
{
    /// <returns>Null when the answer may be announced as complete, else why not.</returns>
    public async Task<string?> ProblemAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ResponseFormat is not { ValueKind: JsonValueKind.Object } format || !format.TryGetProperty("type", out var type))
        {
            return null;
        }
        var answer = context.MaskedAnswer.ToString();
        if (type.ValueEquals("json_object"))
        {
            return IsJsonObject(answer) ? null : "The answer is not the JSON object response_format asked for.";
        }
        if (!type.ValueEquals("json_schema")
            || !format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object
            || !jsonSchema.TryGetProperty("schema", out var schema))
        {
            return null;
        }
        try
        {
            var verdict = await guardrails.CheckOutputAsync(context.Tenant, new GuardOutputRequest(answer, context.VaultId, Schema: schema), cancellationToken);
            return verdict.Allowed
                ? null
                : "The answer does not match the JSON schema response_format asked for" + (verdict.Reasons is { Count: > 0 } r ? ": " + string.Join("; ", r) : ".");
        }
        catch (DownstreamException ex)
        {
            LogCheckFailed(ex, ex.Status);
            return "The answer could not be checked against the JSON schema (output guardrails unavailable).";
        }
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking a streamed answer's JSON schema failed ({Status}); failing closed")]
    private partial void LogCheckFailed(Exception ex, System.Net.HttpStatusCode? status);
}

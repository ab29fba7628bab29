using System.Text.Json;
using Json.Schema;

namespace AiAspire.GuardrailService.Output;

/// <summary>
/// Validates an answer against the JSON Schema the request asked for (JsonSchema.Net, draft 2020-12 by default).
/// Each call builds the schema in its own registry, so one tenant's <c>$id</c> never resolves for another, and
/// nothing is fetched over the network: a <c>$ref</c> outside the schema is refused as an unusable schema.
/// </summary>
public static class JsonSchemaCheck
{
    private const int MaxErrors = 5;

    private static readonly JsonDocumentOptions AnswerOptions = new() { MaxDepth = 64 };

    /// <summary>Null when <paramref name="schema"/> builds; otherwise why not, for a 400.</summary>
    public static string? Problem(JsonElement schema)
    {
        if (schema.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            return "'schema' must be a JSON Schema: an object or a boolean.";
        }
        try
        {
            // A trial evaluation resolves the top-level references, which building leaves for later.
            using var empty = JsonDocument.Parse("{}");
            Build(schema).Evaluate(empty.RootElement);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return "'schema' is not a usable JSON Schema: " + ex.Message;
        }
    }

    /// <summary>Whether <paramref name="answer"/> is JSON that satisfies <paramref name="schema"/>, and the first errors if not.</summary>
    /// <exception cref="SchemaEvaluationException">The schema failed on this answer (a reference reached only here).</exception>
    public static (bool Valid, IReadOnlyList<string> Errors) Check(JsonElement schema, string answer)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(answer.Trim(), AnswerOptions);
        }
        catch (JsonException ex)
        {
            return (false, ["The answer is not valid JSON: " + ex.Message]);
        }
        using (document)
        {
            if (SchemaPatternGuard.FindSlowPattern(schema, document.RootElement) is { } slow)
            {
                return (false, [$"schema pattern timed out: '{Shorten(slow)}' took longer than {SchemaPatternGuard.MatchTimeout.TotalMilliseconds:F0} ms on the answer"]);
            }
            EvaluationResults results;
            try
            {
                results = Build(schema).Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new SchemaEvaluationException("'schema' could not be evaluated against the answer: " + ex.Message, ex);
            }
            if (results.IsValid)
            {
                return (true, []);
            }
            var errors = (results.Details ?? [])
                .Where(detail => detail.Errors is { Count: > 0 })
                .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))
                .Take(MaxErrors)
                .ToArray();
            return (false, errors.Length > 0 ? errors : ["The answer does not match the schema."]);
        }
    }

    private static string Shorten(string pattern) => pattern.Length <= 80 ? pattern : pattern[..80] + "…";

    private static JsonSchema Build(JsonElement schema) =>
        JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
}

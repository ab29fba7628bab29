using System.Text.Json;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Pipeline.Steps;

/// <summary>Rejects what the platform cannot serve with a 400 that says why; builds the working conversation.</summary>
public sealed class ValidateStep : IPipelineStep
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };

    public string Name => "validate";

    public ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var error = Validate(context, context.Settings);
        if (error is not null)
        {
            context.Problem = JsonBody.Validation(error);
            context.Status = "error";
            context.Error = "invalid request";
        }
        return ValueTask.CompletedTask;
    }

    private static string? Validate(PipelineContext context, PipelineSettings limits)
    {
        var request = context.Request;
        if (request.Model is { Length: > 128 })
        {
            return "model must be at most 128 characters.";
        }
        if (request.Messages is not { Count: > 0 } messages)
        {
            return "messages must hold at least one message.";
        }
        if (messages.Count > limits.MaxMessages)
        {
            return $"messages may hold at most {limits.MaxMessages} messages.";
        }
        if (Api.ToolWire.Parse(request.Tools, request.ToolChoice).Error is { } toolsError)
        {
            return toolsError;
        }
        // Both are checked: the infer step prefers max_completion_tokens, so a valid max_tokens must not hide a bad one.
        if (request.MaxTokens is < 1 or > 1_000_000 || request.MaxCompletionTokens is < 1 or > 1_000_000)
        {
            return "max_tokens / max_completion_tokens must be between 1 and 1000000.";
        }
        if (request.Temperature is < 0 or > 2 || request.TopP is < 0 or > 1)
        {
            return "temperature must be within 0..2 and top_p within 0..1.";
        }
        if (request.ResponseFormat is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return "response_format must be an object.";
        }
        if (StopSequences(request.Stop) is null)
        {
            return "stop must be a string or an array of at most 4 strings.";
        }

        var characters = 0;
        var working = new List<RouterMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message?.Role is not { } role || !Roles.Contains(role))
            {
                return RoleError(message?.Role, i);
            }
            var (toolMessage, toolMessageError) = Api.ToolWire.ToolMessageOf(message, i);
            if (toolMessageError is not null)
            {
                return toolMessageError;
            }
            // An assistant message that only calls tools has no content.
            if (message.Content is not { ValueKind: JsonValueKind.String or JsonValueKind.Array }
                && !(toolMessage is { Role: "assistant" } && message.Content is null or { ValueKind: JsonValueKind.Null }))
            {
                return $"messages[{i}].content must be a string or an array of content parts.";
            }
            if (message.Content is { ValueKind: JsonValueKind.Array } parts && !OnlyTextParts(parts))
            {
                return $"messages[{i}].content may only hold text parts ({{\"type\":\"text\",\"text\":\"…\"}}) for now.";
            }
            var text = message.GetText();
            characters += text.Length;
            working.Add(toolMessage ?? new RouterMessage(role, text));
        }
        if (characters > limits.MaxCharacters)
        {
            return $"The messages hold {characters} characters; at most {limits.MaxCharacters} are accepted.";
        }
        if (!working.Any(m => m.Role == "user"))
        {
            return "messages must include at least one user message.";
        }

        context.Messages = working;
        return null;

        static string RoleError(string? value, int index) => $"messages[{index}].role must be one of: system, developer, user, assistant, tool.";
    }

    private static bool OnlyTextParts(JsonElement parts)
    {
        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type) || !type.ValueEquals("text")
                || !part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                return false;
            }
        }
        return true;
    }

    /// <returns>The stop sequences, empty when none, or null when <paramref name="stop"/> is malformed.</returns>
    internal static IReadOnlyList<string>? StopSequences(JsonElement? stop)
    {
        switch (stop?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.Undefined:
                return [];
            case JsonValueKind.String:
                return [stop.Value.GetString()!];
            case JsonValueKind.Array when stop.Value.GetArrayLength() <= 4:
                var values = new List<string>();
                foreach (var item in stop.Value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return null;
                    }
                    values.Add(item.GetString()!);
                }
                return values;
            default:
                return null;
        }
    }
}

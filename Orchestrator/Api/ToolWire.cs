using System.Text.Json;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Api;

/// <summary>
/// OpenAI function tools on the way in (<c>tools</c>, <c>tool_choice</c>, assistant <c>tool_calls</c> and <c>tool</c>
/// messages) and tool calls on the way out, translated to and from the router's contract.
/// </summary>
public static class ToolWire
{
    /// <summary>Most tools one request may declare (OpenAI's own limit).</summary>
    public const int MaxTools = 128;

    /// <returns>The tools and the choice (both null when the request has none), or an error for a 400.</returns>
    public static (IReadOnlyList<ToolDefinition>? Tools, ToolChoice? Choice, string? Error) Parse(JsonElement? tools, JsonElement? toolChoice)
    {
        List<ToolDefinition>? definitions = null;
        if (tools is { ValueKind: not JsonValueKind.Null } declared)
        {
            if (declared.ValueKind != JsonValueKind.Array || declared.GetArrayLength() is 0 or > MaxTools)
            {
                return (null, null, $"tools must be an array of 1..{MaxTools} function tools.");
            }
            definitions = [];
            var index = 0;
            foreach (var tool in declared.EnumerateArray())
            {
                if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || !type.ValueEquals("function")
                    || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
                {
                    return (null, null, $"tools[{index}] must be {{\"type\":\"function\",\"function\":{{\"name\":…}}}}.");
                }
                if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !IsFunctionName(name.GetString()!))
                {
                    return (null, null, $"tools[{index}].function.name must be 1..64 letters, digits, '_' or '-'.");
                }
                string? description = null;
                if (function.TryGetProperty("description", out var d) && d.ValueKind != JsonValueKind.Null)
                {
                    if (d.ValueKind != JsonValueKind.String)
                    {
                        return (null, null, $"tools[{index}].function.description must be a string.");
                    }
                    description = d.GetString();
                }
                JsonElement? parameters = null;
                if (function.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
                {
                    if (p.ValueKind != JsonValueKind.Object)
                    {
                        return (null, null, $"tools[{index}].function.parameters must be a JSON schema object.");
                    }
                    parameters = p.Clone();
                }
                if (definitions.Any(t => t.Name == name.GetString()))
                {
                    return (null, null, $"tools[{index}].function.name '{name.GetString()}' is declared twice.");
                }
                definitions.Add(new ToolDefinition(name.GetString()!, description, parameters));
                index++;
            }
        }

        ToolChoice? choice = null;
        if (toolChoice is { ValueKind: not JsonValueKind.Null } chosen)
        {
            if (chosen.ValueKind == JsonValueKind.String && chosen.GetString() is ToolChoice.Auto or ToolChoice.None or ToolChoice.Required)
            {
                choice = new ToolChoice(chosen.GetString()!);
            }
            else if (chosen.ValueKind == JsonValueKind.Object
                && chosen.TryGetProperty("type", out var type) && type.ValueEquals("function")
                && chosen.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                if (definitions?.Any(t => t.Name == name.GetString()) != true)
                {
                    return (null, null, $"tool_choice names the function '{name.GetString()}', which tools does not declare.");
                }
                choice = new ToolChoice(ToolChoice.Function, name.GetString());
            }
            else
            {
                return (null, null, "tool_choice must be \"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":…}}.");
            }
            if (definitions is null && choice.Mode != ToolChoice.None)
            {
                return (null, null, "tool_choice needs tools.");
            }
        }
        return (definitions, choice, null);
    }

    /// <summary>
    /// The router's form of an assistant message that called tools or of a tool message; null with an error for a 400.
    /// Other messages are not this method's business (it returns null and no error).
    /// </summary>
    public static (RouterMessage? Message, string? Error) ToolMessageOf(ChatMessage message, int index)
    {
        if (message.Role == "tool")
        {
            if (message.ToolCallId is not { Length: > 0 and <= 256 } callId)
            {
                return (null, $"messages[{index}]: a tool message needs tool_call_id.");
            }
            return (new RouterMessage("tool", message.GetText(), ToolCallId: callId), null);
        }
        if (message.Role != "assistant" || message.ToolCalls is not { ValueKind: not JsonValueKind.Null } toolCalls)
        {
            return (null, null);
        }
        if (toolCalls.ValueKind != JsonValueKind.Array || toolCalls.GetArrayLength() == 0)
        {
            return (null, $"messages[{index}].tool_calls must be a non-empty array.");
        }
        var calls = new List<ToolCall>();
        var i = 0;
        foreach (var call in toolCalls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object
                || !call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 }
                || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || !function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind != JsonValueKind.String)
            {
                return (null, $"messages[{index}].tool_calls[{i}] must be {{\"id\":…,\"type\":\"function\",\"function\":{{\"name\":…,\"arguments\":\"…\"}}}}.");
            }
            calls.Add(new ToolCall(id.GetString()!, name.GetString()!, arguments.GetString()!));
            i++;
        }
        return (new RouterMessage("assistant", message.GetText(), ToolCalls: calls), null);
    }

    /// <summary>The calls as OpenAI's <c>message.tool_calls</c>, or null when there are none.</summary>
    public static IReadOnlyList<ToolCallMessage>? ToWire(IReadOnlyList<ToolCall>? calls) =>
        calls is { Count: > 0 } ? [.. calls.Select(c => new ToolCallMessage(c.Id, "function", new FunctionCall(c.Name, c.Arguments)))] : null;

    /// <summary>The calls as one streamed delta's <c>tool_calls</c>, numbered from <paramref name="firstIndex"/>.</summary>
    public static IReadOnlyList<ChunkToolCall> ToChunk(IReadOnlyList<ToolCall> calls, int firstIndex) =>
        [.. calls.Select((c, i) => new ChunkToolCall(firstIndex + i, c.Id, "function", new FunctionCall(c.Name, c.Arguments)))];

    private static bool IsFunctionName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}

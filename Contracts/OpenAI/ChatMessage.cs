using System.Text;
using System.Text.Json;

namespace AiAspire.Contracts.OpenAI;

/// <summary>One message; <see cref="Content"/> is a string or an array of content parts.</summary>
public sealed record ChatMessage
{
    public string? Role { get; init; }
    public JsonElement? Content { get; init; }
    public string? Name { get; init; }
    public string? ToolCallId { get; init; }
    public JsonElement? ToolCalls { get; init; }

    /// <summary>The text of the message: the string content, or the text parts joined by newlines.</summary>
    public string GetText()
    {
        if (Content is not { } content)
        {
            return string.Empty;
        }

        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() ?? string.Empty;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object
                        && part.TryGetProperty("type", out var type) && type.ValueEquals("text")
                        && part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        if (text.Length > 0)
                        {
                            text.Append('\n');
                        }
                        text.Append(value.GetString());
                    }
                }
                return text.ToString();
            default:
                return string.Empty;
        }
    }
}

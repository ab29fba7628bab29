using System.Text.Json;

namespace AiAspire.PlatformBench;

/// <summary>Reads OpenAI chat-completion chunks off an SSE stream.</summary>
internal static class SseChunk
{
    /// <summary>True for a <c>data:</c> line whose chunk carries non-empty <c>choices[].delta.content</c>: a token.</summary>
    public static bool HasContent(string line)
    {
        if (!line.StartsWith("data:", StringComparison.Ordinal) || !line.Contains("\"content\"", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            using var chunk = JsonDocument.Parse(line.AsMemory(5));
            if (!chunk.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta)
                    && delta.TryGetProperty("content", out var content)
                    && content.ValueKind == JsonValueKind.String
                    && content.GetString() is { Length: > 0 })
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }
}

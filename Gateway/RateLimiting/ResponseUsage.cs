using System.Text;
using System.Text.Json;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>Reads the total tokens an OpenAI-style response reports: the JSON body's usage, or a stream's usage chunk.</summary>
public static class ResponseUsage
{
    public static long? TotalTokens(string? contentType, UsageCaptureStream captured)
    {
        if (contentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
        {
            return FromStreamTail(captured.Tail());
        }
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && captured.HeadIsWhole)
        {
            return FromJson(captured.Head);
        }
        return null;
    }

    private static long? FromStreamTail(byte[] tail)
    {
        var lines = Encoding.UTF8.GetString(tail).Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"usage\"", StringComparison.Ordinal)
                && FromJson(Encoding.UTF8.GetBytes(line["data:".Length..].Trim())) is { } tokens)
            {
                return tokens;
            }
        }
        return null;
    }

    private static long? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("usage", out var usage)
                || usage.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (usage.TryGetProperty("total_tokens", out var total) && total.TryGetInt64(out var value))
            {
                return value;
            }
            long sum = 0;
            var found = false;
            foreach (var name in (ReadOnlySpan<string>)["prompt_tokens", "completion_tokens", "input_tokens", "output_tokens"])
            {
                if (usage.TryGetProperty(name, out var part) && part.TryGetInt64(out var tokens))
                {
                    sum += tokens;
                    found = true;
                }
            }
            return found ? sum : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

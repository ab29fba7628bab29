using System.Text.Json;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Reads what a response reports: total tokens from an OpenAI JSON body's or stream chunk's <c>usage</c>; tokens and
/// cost (USD) from the orchestrator's <c>: aiaspire-usage {…}</c> stream comment and from the <c>done</c> event of its
/// <c>/api/chat</c> stream (camelCase: <c>promptTokens</c>, <c>completionTokens</c>, <c>costUsd</c>).
/// </summary>
public static class ResponseUsage
{
    /// <summary>The total tokens of a JSON document's <c>usage</c> object; null when it has none.</summary>
    public static long? FromJson(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json);
        return document is not null
            && document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("usage", out var usage)
                ? Tokens(usage)
                : null;
    }

    /// <summary>The tokens and cost of a flat usage object (the comment's, the done event's); either is null when absent or nonsense.</summary>
    public static (long? Tokens, decimal? CostUsd) TokensAndCost(ReadOnlySpan<byte> json)
    {
        using var document = Parse(json);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }
        decimal? cost = (document.RootElement.TryGetProperty("cost_usd", out var value) || document.RootElement.TryGetProperty("costUsd", out value))
            && value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var usd) && usd is >= 0 and < 1_000_000
                ? usd
                : null;
        return (Tokens(document.RootElement), cost);
    }

    private static long? Tokens(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (usage.TryGetProperty("total_tokens", out var total) && total.ValueKind == JsonValueKind.Number && total.TryGetInt64(out var value) && value >= 0)
        {
            return value;
        }
        long sum = 0;
        var found = false;
        foreach (var name in (ReadOnlySpan<string>)["prompt_tokens", "completion_tokens", "input_tokens", "output_tokens", "promptTokens", "completionTokens"])
        {
            if (usage.TryGetProperty(name, out var part) && part.ValueKind == JsonValueKind.Number && part.TryGetInt64(out var tokens) && tokens >= 0)
            {
                sum += tokens;
                found = true;
            }
        }
        return found ? sum : null;
    }

    private static JsonDocument? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

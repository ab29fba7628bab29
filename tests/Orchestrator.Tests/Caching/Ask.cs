using System.Net;
using System.Text;
using System.Text.Json;
using AiAspire.Orchestrator.Tests.Api;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>Requests of <c>/v1/chat/completions</c> that the caches may answer (temperature 0), and reading their answers.</summary>
internal static class Ask
{
    public static string Json(string question, bool stream = false, bool includeUsage = false, string? system = null,
        int? maxTokens = null, object? responseFormat = null)
    {
        var messages = new List<Dictionary<string, string>>();
        if (system is not null)
        {
            messages.Add(new() { ["role"] = "system", ["content"] = system });
        }
        messages.Add(new() { ["role"] = "user", ["content"] = question });
        var request = new Dictionary<string, object?> { ["model"] = "default", ["messages"] = messages, ["temperature"] = 0, ["stream"] = stream };
        if (includeUsage)
        {
            request["stream_options"] = new { include_usage = true };
        }
        if (maxTokens is { } max)
        {
            request["max_tokens"] = max;
        }
        if (responseFormat is not null)
        {
            request["response_format"] = responseFormat;
        }
        return JsonSerializer.Serialize(request);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string json, bool noCache = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat.Path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (noCache)
        {
            request.Headers.CacheControl = new() { NoCache = true };
        }
        return await client.SendAsync(request);
    }

    public static async Task<string> AnswerOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    /// <summary>Asks and returns the answer and the cache header.</summary>
    public static async Task<(string Answer, string Cache)> AskAsync(HttpClient client, string json, bool noCache = false)
    {
        using var response = await PostAsync(client, json, noCache);
        return (await AnswerOfAsync(response), Chat.Header(response, Contracts.AiAspireHeaders.Cache));
    }

    /// <summary>The JSON chunks of an OpenAI stream (without <c>[DONE]</c>).</summary>
    public static List<JsonElement> Chunks(IEnumerable<string> data) =>
        [.. data.Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement)];

    public static string ContentOf(IEnumerable<JsonElement> chunks) =>
        string.Concat(chunks
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : ""));
}

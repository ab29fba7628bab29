using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>Calls of <c>POST /v1/chat/completions</c> and reading of what comes back.</summary>
internal static class Chat
{
    public const string Path = "/v1/chat/completions";

    public static string Request(string userText, bool stream = false, bool includeUsage = false, string? model = "default", string? system = null)
    {
        var messages = new List<Dictionary<string, object>>();
        if (system is not null)
        {
            messages.Add(new() { ["role"] = "system", ["content"] = system });
        }
        messages.Add(new() { ["role"] = "user", ["content"] = userText });
        var request = new Dictionary<string, object?> { ["model"] = model, ["messages"] = messages, ["stream"] = stream };
        if (includeUsage)
        {
            request["stream_options"] = new Dictionary<string, object> { ["include_usage"] = true };
        }
        return JsonSerializer.Serialize(request);
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string json, string mediaType = "application/json") =>
        client.PostAsync(Path, new StringContent(json, Encoding.UTF8, mediaType));

    /// <summary>The <c>data:</c> payloads of a server-sent event stream, in order; comments (<c>: …</c>, e.g. the usage line for the gateway) are skipped as SSE clients skip them.</summary>
    public static List<string> DataOf(string eventStream) =>
        [.. eventStream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.StartsWith(':'))
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new InvalidOperationException("Not an SSE data event: " + e))];

    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static string RequestId(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues(AiAspireHeaders.RequestId));

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    public static Task<JsonElement> JsonAsync(HttpResponseMessage response) => response.Content.ReadFromJsonAsync<JsonElement>();
}

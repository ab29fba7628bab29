using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Gateway.Tests;

/// <summary>Requests through the gateway and reading what came back.</summary>
internal static class Proxy
{
    public static HttpRequestMessage Request(string method, string path, string? bearer = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("api-key", apiKey);
        }
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { hello = "world" });
        }
        return request;
    }

    /// <summary>
    /// A chat completion reserving tokens (about a token per 3 characters of role and text, plus <paramref name="maxTokens"/>);
    /// the echo backend reports <paramref name="usage"/> and charges <paramref name="cost"/> (USD) when given.
    /// </summary>
    public static HttpRequestMessage Chat(string key, int maxTokens = 100, long? usage = null, string? cost = null, bool stream = false,
        string text = "Hello")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"gpt-4o-mini","max_tokens":{{maxTokens}},{{(stream ? "\"stream\":true," : "")}}"messages":[{"role":"user","content":"{{text}}"}]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (usage is not null)
        {
            request.Headers.Add("x-test-usage", usage.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (cost is not null)
        {
            request.Headers.Add("x-test-cost", cost);
        }
        if (stream)
        {
            request.Headers.Add("x-test-stream", "1");
        }
        return request;
    }

    public static async Task<EchoedRequest> AssertProxiedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 from a backend, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<EchoedRequest>(body, EchoedRequest.JsonOptions)!;
    }

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
}

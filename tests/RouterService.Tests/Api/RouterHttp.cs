using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.TestKit;

namespace AiAspire.RouterService.Tests.Api;

/// <summary>Calls to the router's HTTP API, as the orchestrator makes them.</summary>
internal static class RouterHttp
{
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A question unique to one test, so the requests it causes can be told apart at a shared upstream.</summary>
    public static string UniqueQuestion(string topic = "hello") => $"{topic} #{Guid.NewGuid():N}";

    public static CompletionRequest Ask(string? model, string question, int? maxTokens = null) =>
        new([new RouterMessage("user", question)], Model: model, MaxTokens: maxTokens);

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, CompletionRequest request) =>
        client.PostAsJsonAsync("/v1/complete", request, Json.CompletionRequest);

    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body, string mediaType = "application/json") =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, mediaType));

    public static async Task<CompletionResponse> CompleteAsync(HttpClient client, CompletionRequest request)
    {
        using var response = await PostAsync(client, request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(Json.CompletionResponse))!;
    }

    /// <summary>Posts a streaming request and reads every server-sent event until the router ends the stream.</summary>
    public static async Task<IReadOnlyList<CompletionStreamEvent>> StreamAsync(HttpClient client, CompletionRequest request)
    {
        using var timeout = new CancellationTokenSource(StreamTimeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/complete")
        {
            Content = JsonContent.Create(request with { Stream = true }, Json.CompletionRequest),
        };
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var events = new List<CompletionStreamEvent>();
        await foreach (var item in SseParser.Create(body).EnumerateAsync(timeout.Token))
        {
            events.Add(JsonSerializer.Deserialize(item.Data, Json.CompletionStreamEvent)
                ?? throw new InvalidOperationException($"Event '{item.Data}' is not a CompletionStreamEvent."));
        }
        return events;
    }

    public static async Task<IReadOnlyList<ModelDescriptor>> ModelsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.IReadOnlyListModelDescriptor))!;
    }

    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static List<RouteAttempt> AttemptsOf(JsonElement problem) =>
        problem.GetProperty("attempts").Deserialize<List<RouteAttempt>>(JsonSerializerOptions.Web)!;

    /// <summary>The request bodies an upstream received for one test's question.</summary>
    public static List<string> RequestsAbout(FakeOpenAIServer upstream, string question) =>
        [.. upstream.RequestBodies.Where(body => body.Contains(question, StringComparison.Ordinal))];

    public static (string Deployment, string Outcome) Summary(RouteAttempt attempt) => (attempt.Deployment, attempt.Outcome);
}

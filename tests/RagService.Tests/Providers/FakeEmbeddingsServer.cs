using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RagService.Tests.Providers;

/// <summary>
/// <c>POST /v1/embeddings</c> (OpenAI) and <c>POST /openai/deployments/{deployment}/embeddings</c> (Azure OpenAI) on 127.0.0.1,
/// in the real wire format (float or base64 vectors). A text's vector counts its words into <see cref="Dimensions"/> buckets,
/// so texts sharing words are similar. Statuses queued in <see cref="Failures"/> are answered first, one per request.
/// </summary>
public sealed class FakeEmbeddingsServer : IAsyncLifetime
{
    public const int Dimensions = 16;

    private WebApplication? _app;

    public ConcurrentQueue<Request> Requests { get; } = new();

    public ConcurrentQueue<int> Failures { get; } = new();

    public string Address { get; private set; } = "";

    public async Task InitializeAsync() => (_app, Address) = await LoopbackServer.StartAsync(app =>
    {
        app.MapPost("/v1/embeddings", context => HandleAsync(context, deployment: null));
        app.MapPost("/openai/deployments/{deployment}/embeddings", (HttpContext context, string deployment) => HandleAsync(context, deployment));
    });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static float[] VectorOf(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.ToLowerInvariant().Split([' ', '.', ',', '?', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            vector[(int)(StableHash(word) % Dimensions)] += 1;
        }
        return vector;
    }

    /// <summary>FNV-1a over the word's UTF-8: the same bucket in every process (string.GetHashCode is randomized per
    /// process, which made which words collide, and so the similarity the tests assert, change from run to run).</summary>
    private static uint StableHash(string word)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(word))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }

    private async Task HandleAsync(HttpContext context, string? deployment)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        var inputs = body["input"] is JsonArray array ? array.Select(i => i!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
        Requests.Enqueue(new Request(context.Request.Path, deployment, body["model"]?.GetValue<string>(), inputs,
            context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString(), body["dimensions"]?.GetValue<int>()));

        if (Failures.TryDequeue(out var status))
        {
            context.Response.StatusCode = status;
            context.Response.Headers["retry-after-ms"] = "10";
            context.Response.Headers.RetryAfter = "0";
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"injected {status}", type = "server_error", code = status.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            return;
        }

        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = VectorOf(inputs[i]);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : new JsonArray([.. vector.Select(v => (JsonNode)v)]),
            });
        }
        var tokens = inputs.Sum(i => i.Length / 4 + 1);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]?.GetValue<string>() ?? deployment,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }.ToJsonString());
    }

    public sealed record Request(string Path, string? Deployment, string? Model, IReadOnlyList<string> Inputs, string Authorization, string ApiKey, int? Dimensions);
}

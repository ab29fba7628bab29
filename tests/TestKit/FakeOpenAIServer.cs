using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AiAspire.TestKit;

/// <summary>
/// An OpenAI-compatible upstream on 127.0.0.1 speaking the real wire format (JSON and SSE) for tests: it answers
/// "You said: &lt;last user message&gt;", records every request body, and can be told to fail.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>Every request body received, in order.</summary>
    public ConcurrentQueue<string> RequestBodies { get; } = new();

    /// <summary>Status to answer with instead of a completion (e.g. 500, 429); null answers normally.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Characters per streamed delta: small values split words (and placeholders) across chunks.</summary>
    public int StreamChunkSize { get; set; } = 3;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The address OpenAI clients take as their endpoint: <c>http://127.0.0.1:port/v1</c>.</summary>
    public string V1Endpoint => new Uri(BaseAddress, "v1").ToString();

    public async Task InitializeAsync()
    {
        (_app, var address) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", HandleAsync));
        BaseAddress = new Uri(address + "/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public static string ReplyTo(string lastUserMessage) => "You said: " + lastUserMessage;

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        RequestBodies.Enqueue(body);

        if (FailWith is { } status)
        {
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$$"""{"error":{"message":"injected failure","type":"server_error","code":{{{(int)status}}}}}""");
            return;
        }

        using var request = JsonDocument.Parse(body);
        var root = request.RootElement;
        var model = root.GetProperty("model").GetString();
        var lastUser = root.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "user")
            .Select(m => m.GetProperty("content").ValueKind == JsonValueKind.String
                ? m.GetProperty("content").GetString()
                : string.Concat(m.GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString())))
            .LastOrDefault() ?? "";
        var reply = ReplyTo(lastUser);
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var promptTokens = body.Length / 4;
        var completionTokens = reply.Length / 4 + 1;

        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["id"] = "chatcmpl-fake",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = model,
                ["choices"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["index"] = 0,
                        ["message"] = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = reply },
                        ["finish_reason"] = "stop",
                    },
                },
                ["usage"] = new Dictionary<string, object?>
                {
                    ["prompt_tokens"] = promptTokens,
                    ["completion_tokens"] = completionTokens,
                    ["total_tokens"] = promptTokens + completionTokens,
                },
            }));
            return;
        }

        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < reply.Length; i += StreamChunkSize)
        {
            var piece = reply.Substring(i, Math.Min(StreamChunkSize, reply.Length - i));
            await WriteEventAsync(context, Chunk(model, new Dictionary<string, object?> { ["content"] = piece }, null));
        }
        await WriteEventAsync(context, Chunk(model, new Dictionary<string, object?>(), "stop"));
        await WriteEventAsync(context, JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = Array.Empty<object>(),
            ["usage"] = new Dictionary<string, object?>
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        }));
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static string Chunk(string? model, Dictionary<string, object?> delta, string? finishReason) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new[]
            {
                new Dictionary<string, object?> { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason },
            },
        });

    private static async Task WriteEventAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n");
        await context.Response.Body.FlushAsync();
    }
}

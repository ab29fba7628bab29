using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RouterService.Tests.Fakes;

/// <summary>Writing the providers' wire formats: JSON bodies, server-sent events (flushed one by one), OpenAI chunks.</summary>
internal static class Wire
{
    /// <summary>Starts an event stream.</summary>
    public static void BeginEvents(HttpContext context) => context.Response.ContentType = "text/event-stream";

    /// <summary>An OpenAI-style event: <c>data: {json}</c>.</summary>
    public static Task DataAsync(HttpContext context, object data, CancellationToken cancellationToken) =>
        RawAsync(context, "data: " + JsonSerializer.Serialize(data) + "\n\n", cancellationToken);

    /// <summary>An Anthropic-style named event: <c>event: name</c> then <c>data: {json}</c>.</summary>
    public static Task EventAsync(HttpContext context, string name, object data, CancellationToken cancellationToken) =>
        RawAsync(context, $"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n", cancellationToken);

    /// <summary>Text as is (a <c>[DONE]</c>, or a malformed chunk), flushed.</summary>
    public static async Task RawAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(text, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>A JSON body with a status.</summary>
    public static async Task JsonAsync(HttpContext context, int status, object body, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(body, cancellationToken);
    }

    /// <summary>Extra response headers (Retry-After, …).</summary>
    public static void Headers(HttpContext context, IReadOnlyDictionary<string, string>? headers)
    {
        foreach (var (header, value) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[header] = value;
        }
    }

    /// <summary>One OpenAI <c>chat.completion.chunk</c> carrying a text delta and/or a finish reason.</summary>
    public static object Chunk(string id, string model, string? content, string? finishReason = null) => new
    {
        id,
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model,
        choices = new[] { new { index = 0, delta = new { content }, finish_reason = finishReason } },
    };

    /// <summary>Splits an answer into word-sized deltas (the first without, the rest with, their leading space).</summary>
    public static List<string> Pieces(string reply) => [.. reply.Split(' ').Select((word, i) => i == 0 ? word : " " + word)];

    /// <summary>Waits <paramref name="delay"/> (<see cref="Timeout.InfiniteTimeSpan"/>: for ever); false when the caller gave up (or the fake stopped) first.</summary>
    public static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero && delay != Timeout.InfiniteTimeSpan)
        {
            return true;
        }
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

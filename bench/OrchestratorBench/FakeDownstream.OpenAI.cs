using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.OrchestratorBench;

internal sealed partial class FakeDownstream
{
    /// <summary>
    /// The model behind a real router (<see cref="RouterUnderTest"/>): OpenAI's chat completions, JSON or SSE with usage,
    /// answering what the fake <c>/v1/complete</c> answers, after <c>upstreamMs</c>.
    /// </summary>
    private static void MapOpenAIChat(WebApplication app, int upstreamMs) =>
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var root = request.RootElement;
            var id = BenchId().Match(string.Join("\n", root.GetProperty("messages").EnumerateArray()
                .Select(m => m.GetProperty("content").ValueKind == JsonValueKind.String ? m.GetProperty("content").GetString() : ""))).Value;
            if (upstreamMs > 0)
            {
                await Task.Delay(upstreamMs, context.RequestAborted);
            }
            var answer = JsonEncodedText.Encode($"Invoices are due within thirty days of the end of the month [1]. ({id})");
            const string Usage = """{"prompt_tokens":120,"completion_tokens":24,"total_tokens":144}""";
            if (!(root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    $$"""{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"{{answer}}"},"finish_reason":"stop"}],"usage":{{Usage}}}""");
                return;
            }
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(
                $$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{"role":"assistant","content":"{{answer}}"},"finish_reason":null}]}""" + "\n\n" +
                $$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\n" +
                $$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[],"usage":{{Usage}}}""" + "\n\n" +
                "data: [DONE]\n\n");
        });
}

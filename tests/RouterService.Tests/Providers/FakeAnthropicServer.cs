using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.RouterService.Tests.Fakes;
using AiAspire.RouterService.Tests.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>
/// Anthropic's Messages API on 127.0.0.1: <c>POST /v1/messages</c> with the key (x-api-key or bearer) and <c>anthropic-version</c>, answering
/// "claude heard: &lt;last user text&gt;" as JSON or as its SSE event sequence (message_start, content_block_start, ping,
/// content_block_delta…, content_block_stop, message_delta with usage, message_stop), scripted faults included: error
/// statuses with Anthropic error bodies, delays, and an <c>error</c> event cutting a stream.
/// </summary>
public sealed class FakeAnthropicServer(string apiKey) : LoopbackFake, IFakeUpstream
{
    public const int InputTokens = 21;
    public const int OutputTokens = 5;

    private int _requests;

    public string Provider => "anthropic";

    public string Endpoint { get; private set; } = "";

    public Func<int, Fault> Script { get; set; } = _ => Fault.None;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every request body received, in order.</summary>
    public ConcurrentQueue<JsonElement> Bodies { get; } = new();

    public static string ReplyTo(string lastUser) => "claude heard: " + lastUser;

    protected override void Map(WebApplication app) => app.MapPost("/v1/messages", HandleAsync);

    protected override void Started(string address) => Endpoint = address;

    private async Task HandleAsync(HttpContext context)
    {
        using var stop = Linked(context);
        var token = stop.Token;
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: token);
        var body = document.RootElement.Clone();
        Bodies.Enqueue(body);

        // The API takes the key as x-api-key; the official SDK (13.x) sends it as a bearer token.
        if (context.Request.Headers["x-api-key"] != apiKey && context.Request.Headers.Authorization != $"Bearer {apiKey}")
        {
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "authentication_error", "invalid x-api-key", token);
            return;
        }
        if (string.IsNullOrEmpty(context.Request.Headers["anthropic-version"]))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", "anthropic-version header is required", token);
            return;
        }
        if (!body.TryGetProperty("max_tokens", out _))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid_request_error", "max_tokens: Field required", token);
            return;
        }

        var fault = Script(Interlocked.Increment(ref _requests));
        if (!await Wire.DelayAsync(fault.Delay, token))
        {
            return;
        }
        Wire.Headers(context, fault.Headers);
        if (fault.Status != StatusCodes.Status200OK)
        {
            var (type, message) = fault.Status switch
            {
                429 => ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
                529 => ("overloaded_error", "Overloaded"),
                400 => ("invalid_request_error", fault.ErrorCode ?? "invalid request"),
                _ => ("api_error", "Internal server error"),
            };
            await ErrorAsync(context, fault.Status, type, message, token);
            return;
        }

        var model = body.GetProperty("model").GetString();
        var reply = ReplyTo(LastUserText(body));
        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        if (!stream)
        {
            await Wire.JsonAsync(context, StatusCodes.Status200OK, new
            {
                id = "msg_fake",
                type = "message",
                role = "assistant",
                model,
                content = new[] { new { type = "text", text = reply } },
                stop_reason = "end_turn",
                stop_sequence = (string?)null,
                usage = new { input_tokens = InputTokens, output_tokens = OutputTokens },
            }, token);
            return;
        }

        Wire.BeginEvents(context);
        await EventAsync(context, "message_start", new
        {
            type = "message_start",
            message = new
            {
                id = "msg_fake",
                type = "message",
                role = "assistant",
                model,
                content = Array.Empty<object>(),
                stop_reason = (string?)null,
                stop_sequence = (string?)null,
                usage = new { input_tokens = InputTokens, output_tokens = 1 },
            },
        }, token);
        await EventAsync(context, "content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = "" } }, token);
        await EventAsync(context, "ping", new { type = "ping" }, token);
        var pieces = Wire.Pieces(reply);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == fault.BreakStreamAfter)
            {
                await EventAsync(context, "error", new { type = "error", error = new { type = "overloaded_error", message = "Overloaded" } }, token);
                return;
            }
            await EventAsync(context, "content_block_delta",
                new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = pieces[i] } }, token);
        }
        await EventAsync(context, "content_block_stop", new { type = "content_block_stop", index = 0 }, token);
        await EventAsync(context, "message_delta", new
        {
            type = "message_delta",
            delta = new { stop_reason = "end_turn", stop_sequence = (string?)null },
            usage = new { output_tokens = OutputTokens },
        }, token);
        await EventAsync(context, "message_stop", new { type = "message_stop" }, token);
    }

    private static string LastUserText(JsonElement body) =>
        body.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "user")
            .Select(m => m.GetProperty("content") is { ValueKind: JsonValueKind.String } text
                ? text.GetString()!
                : string.Concat(m.GetProperty("content").EnumerateArray()
                    .Where(p => p.GetProperty("type").GetString() == "text")
                    .Select(p => p.GetProperty("text").GetString())))
            .LastOrDefault() ?? "";

    private static Task ErrorAsync(HttpContext context, int status, string type, string message, CancellationToken cancellationToken) =>
        Wire.JsonAsync(context, status, new { type = "error", error = new { type, message } }, cancellationToken);

    private static Task EventAsync(HttpContext context, string name, object data, CancellationToken cancellationToken) =>
        Wire.EventAsync(context, name, data, cancellationToken);
}

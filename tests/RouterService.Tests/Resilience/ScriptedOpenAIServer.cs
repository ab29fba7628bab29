using System.Text.Json;
using AiAspire.RouterService.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RouterService.Tests.Resilience;

/// <summary>What a <see cref="ScriptedOpenAIServer"/> does with one request.</summary>
/// <param name="Status">200 answers; anything else is an OpenAI-style error with that status.</param>
/// <param name="Headers">Extra response headers, e.g. Retry-After.</param>
/// <param name="ErrorCode">The error's <c>code</c>, e.g. "context_length_exceeded".</param>
/// <param name="Delay">Wait before answering (cut short when the caller gives up).</param>
/// <param name="BreakStreamAfter">For a stream: after this many text deltas, break it (an error event or a malformed chunk).</param>
public sealed record Fault(
    int Status = 200,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? ErrorCode = null,
    TimeSpan Delay = default,
    int? BreakStreamAfter = null)
{
    public static readonly Fault None = new();
}

/// <summary>
/// An OpenAI-compatible upstream on 127.0.0.1 whose answer to each request is chosen by a script (request number → fault):
/// status codes, Retry-After headers, error codes and delays; otherwise it answers "ok from &lt;name&gt;" as JSON or SSE with usage.
/// </summary>
public sealed class ScriptedOpenAIServer(string name) : LoopbackFake, IFakeUpstream
{
    private int _requests;

    public Func<int, Fault> Script { get; set; } = _ => Fault.None;

    public int Requests => Volatile.Read(ref _requests);

    public string Reply => "ok from " + name;

    public string V1Endpoint { get; private set; } = "";

    public string Provider => "openai-compatible";

    public string Endpoint => V1Endpoint;

    protected override void Map(WebApplication app) => app.MapPost("/v1/chat/completions", HandleAsync);

    protected override void Started(string address) => V1Endpoint = address + "/v1";

    private async Task HandleAsync(HttpContext context)
    {
        var fault = Script(Interlocked.Increment(ref _requests));
        using var stop = Linked(context);
        await RespondAsync(context, fault, name, Reply, stop.Token);
    }

    /// <summary>Answers one chat completions request in the OpenAI wire format (JSON, or SSE when it asks to stream), as the fault says.</summary>
    internal static async Task RespondAsync(HttpContext context, Fault fault, string model, string reply, CancellationToken cancellationToken)
    {
        using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
        var stream = request.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

        if (!await Wire.DelayAsync(fault.Delay, cancellationToken))
        {
            return;
        }
        Wire.Headers(context, fault.Headers);
        if (fault.Status != StatusCodes.Status200OK)
        {
            await Wire.JsonAsync(context, fault.Status, new
            {
                error = new { message = $"injected {fault.Status}", type = "server_error", code = fault.ErrorCode },
            }, cancellationToken);
            return;
        }

        const string id = "chatcmpl-scripted";
        var usage = new { prompt_tokens = 10, completion_tokens = 4, total_tokens = 14 };
        if (!stream)
        {
            await Wire.JsonAsync(context, StatusCodes.Status200OK, new
            {
                id,
                @object = "chat.completion",
                created = 1_700_000_000,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = reply }, finish_reason = "stop" } },
                usage,
            }, cancellationToken);
            return;
        }

        Wire.BeginEvents(context);
        var pieces = Wire.Pieces(reply);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == fault.BreakStreamAfter)
            {
                await Wire.RawAsync(context, "data: {\"choices\":[{\"delta\":\n\n", cancellationToken);
                return;
            }
            await Wire.DataAsync(context, Wire.Chunk(id, model, pieces[i]), cancellationToken);
        }
        await Wire.DataAsync(context, Wire.Chunk(id, model, null, "stop"), cancellationToken);
        await Wire.DataAsync(context, new
        {
            id,
            @object = "chat.completion.chunk",
            created = 1_700_000_000,
            model,
            choices = Array.Empty<object>(),
            usage,
        }, cancellationToken);
        await Wire.RawAsync(context, "data: [DONE]\n\n", cancellationToken);
    }
}

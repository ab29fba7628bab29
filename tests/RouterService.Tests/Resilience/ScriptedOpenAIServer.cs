using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
public sealed class ScriptedOpenAIServer(string name) : IFakeUpstream
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _requests;

    public Func<int, Fault> Script { get; set; } = _ => Fault.None;

    public int Requests => Volatile.Read(ref _requests);

    public string Reply => "ok from " + name;

    public string V1Endpoint { get; private set; } = "";

    public string Provider => "openai-compatible";

    public string Endpoint => V1Endpoint;

    public async Task InitializeAsync()
    {
        (_app, var address) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", HandleAsync));
        V1Endpoint = address + "/v1";
    }

    public async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var fault = Script(Interlocked.Increment(ref _requests));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        await RespondAsync(context, fault, name, Reply, stop.Token);
    }

    /// <summary>Answers one chat completions request in the OpenAI wire format (JSON, or SSE when it asks to stream), as the fault says.</summary>
    internal static async Task RespondAsync(HttpContext context, Fault fault, string model, string reply, CancellationToken cancellationToken)
    {
        using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: cancellationToken);
        var stream = request.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

        if (fault.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(fault.Delay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        foreach (var (header, value) in fault.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[header] = value;
        }
        if (fault.Status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = fault.Status;
            await context.Response.WriteAsJsonAsync(new
            {
                error = new { message = $"injected {fault.Status}", type = "server_error", code = fault.ErrorCode },
            }, cancellationToken);
            return;
        }

        var usage = new { prompt_tokens = 10, completion_tokens = 4, total_tokens = 14 };
        if (!stream)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-scripted",
                @object = "chat.completion",
                created = 1_700_000_000,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = reply }, finish_reason = "stop" } },
                usage,
            }, cancellationToken);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        var pieces = reply.Split(' ').Select((word, i) => i == 0 ? word : " " + word).ToList();
        for (var i = 0; i < pieces.Count; i++)
        {
            if (i == fault.BreakStreamAfter)
            {
                await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":\n\n", cancellationToken);
                return;
            }
            await WriteAsync(context, new
            {
                id = "chatcmpl-scripted",
                @object = "chat.completion.chunk",
                created = 1_700_000_000,
                model,
                choices = new[] { new { index = 0, delta = new { content = pieces[i] }, finish_reason = (string?)null } },
            }, cancellationToken);
        }
        await WriteAsync(context, new
        {
            id = "chatcmpl-scripted",
            @object = "chat.completion.chunk",
            created = 1_700_000_000,
            model,
            choices = new[] { new { index = 0, delta = new { content = (string?)null }, finish_reason = (string?)"stop" } },
        }, cancellationToken);
        await WriteAsync(context, new
        {
            id = "chatcmpl-scripted",
            @object = "chat.completion.chunk",
            created = 1_700_000_000,
            model,
            choices = Array.Empty<object>(),
            usage,
        }, cancellationToken);
        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
    }

    private static async Task WriteAsync(HttpContext context, object chunk, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Bench;

/// <summary>
/// An OpenAI-compatible <c>POST /v1/chat/completions</c> on 127.0.0.1 that waits <see cref="Delay"/> (the model's time
/// to first token) and answers a fixed completion from pre-encoded bytes, as JSON or as an SSE stream of a few chunks.
/// It does as little as a server can, so what the benchmark measures is the path in front of it. Shared by the benches
/// (compiled into each): PlatformBench's model provider, and GatewayBench's stand-in for the orchestrator (with its
/// cost header, and <c>GET /health</c> for the gateway's active health checks).
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    public const string Reply = "Happy to help: you can get your money back within two weeks of buying it.";

    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        $$$"""{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"{{{Reply}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":24,"completion_tokens":14,"total_tokens":38}}""");

    private static readonly byte[][] StreamEvents = BuildStreamEvents();

    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app, string address, TimeSpan delay)
    {
        _app = app;
        Address = address;
        Delay = delay;
    }

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string Address { get; }

    /// <summary>The endpoint OpenAI clients take: <c>http://127.0.0.1:port/v1</c>.</summary>
    public string V1Endpoint => Address + "/v1";

    public TimeSpan Delay { get; }

    /// <param name="costUsd">Sent as <c>x-aiaspire-cost</c> on every answer, as the orchestrator does (a gateway in front
    /// charges it to the monthly budgets); none by default, as a model provider.</param>
    public static async Task<FakeUpstream> StartAsync(TimeSpan delay, string? costUsd = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", context =>
        {
            if (costUsd is not null)
            {
                context.Response.Headers["x-aiaspire-cost"] = costUsd;
            }
            return HandleAsync(context, delay);
        });
        app.MapGet("/health", () => "Healthy");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new FakeUpstream(app, address, delay);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static async Task HandleAsync(HttpContext context, TimeSpan delay)
    {
        var stream = await IsStreamRequestAsync(context.Request.BodyReader, context.RequestAborted);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.RequestAborted);
        }

        if (!stream)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Completion.Length;
            await context.Response.Body.WriteAsync(Completion, context.RequestAborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        foreach (var data in StreamEvents)
        {
            await context.Response.Body.WriteAsync(data, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>Reads the whole body (as a real server does) and tells whether its top-level <c>stream</c> is true.</summary>
    private static async Task<bool> IsStreamRequestAsync(PipeReader body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            if (read.IsCompleted)
            {
                var stream = TopLevelStreamFlag(read.Buffer);
                body.AdvanceTo(read.Buffer.End);
                return stream;
            }
            body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static bool TopLevelStreamFlag(ReadOnlySequence<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    var isStream = reader.ValueTextEquals("stream"u8);
                    reader.Read();
                    if (isStream)
                    {
                        return reader.TokenType == JsonTokenType.True;
                    }
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    private static byte[][] BuildStreamEvents()
    {
        static byte[] Event(string json) => Encoding.UTF8.GetBytes("data: " + json + "\n\n");
        const string Head = """{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[""";

        var events = new List<byte[]> { Event(Head + """{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""") };
        var words = Reply.Split(' ');
        for (var i = 0; i < words.Length; i += 2)
        {
            var piece = string.Join(' ', words.Skip(i).Take(2)) + (i + 2 < words.Length ? " " : "");
            events.Add(Event(Head + $$"""{"index":0,"delta":{"content":"{{piece}}"},"finish_reason":null}]}"""));
        }
        events.Add(Event(Head + """{"index":0,"delta":{},"finish_reason":"stop"}]}"""));
        events.Add(Event("""{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[],"usage":{"prompt_tokens":24,"completion_tokens":14,"total_tokens":38}}"""));
        events.Add("data: [DONE]\n\n"u8.ToArray());
        return [.. events];
    }
}

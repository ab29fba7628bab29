using AiAspire.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>
/// An OpenAI-compatible upstream on 127.0.0.1 whose streams break after they started: two content chunks, then the
/// stream ends without a finish reason or <c>[DONE]</c>, which the router takes for a cut stream. (Resetting the
/// connection instead would be timing-dependent: the reset may discard chunks the client had not read yet.)
/// </summary>
public sealed class CutStreamServer : IAsyncLifetime
{
    public const string Partial = "The first half of an answer";

    private WebApplication? _app;

    /// <summary>The address OpenAI clients take as their endpoint: <c>http://127.0.0.1:port/v1</c>.</summary>
    public string V1Endpoint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        (_app, var address) = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var piece in new[] { Partial[..9], Partial[9..] })
            {
                await context.Response.WriteAsync(
                    $$"""data: {"id":"chatcmpl-cut","object":"chat.completion.chunk","created":1700000000,"model":"cut","choices":[{"index":0,"delta":{"content":"{{piece}}"},"finish_reason":null}]}""" + "\n\n");
                await context.Response.Body.FlushAsync();
            }
        }));
        V1Endpoint = address + "/v1";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

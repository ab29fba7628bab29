using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.RouterService.Tests.Api;

public enum Misbehavior
{
    /// <summary>Accepts the request and never answers.</summary>
    Stall,

    /// <summary>Streams the first chunks of an answer, then a chunk that is not JSON.</summary>
    BreakMidStream,
}

/// <summary>An OpenAI-compatible upstream on 127.0.0.1 that goes wrong in the ways status codes cannot show.</summary>
public sealed class MisbehavingOpenAIServer(Misbehavior misbehavior) : IAsyncLifetime
{
    public static readonly string[] ChunksBeforeTheBreak = ["Half", " an", " answer"];

    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public string V1Endpoint { get; private set; } = "";

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
        Interlocked.Increment(ref _requests);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);

        if (misbehavior == Misbehavior.Stall)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var piece in ChunksBeforeTheBreak)
        {
            var chunk = JsonSerializer.Serialize(new
            {
                id = "chatcmpl-broken",
                @object = "chat.completion.chunk",
                created = 1_700_000_000,
                model = "broken-stream",
                choices = new[] { new { index = 0, delta = new { content = piece }, finish_reason = (string?)null } },
            });
            await context.Response.WriteAsync($"data: {chunk}\n\n", stop.Token);
            await context.Response.Body.FlushAsync(stop.Token);
        }
        await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":\n\n", stop.Token);
    }
}

using System.Collections.Concurrent;
using AiAspire.RouterService.Tests.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>
/// Azure OpenAI's data plane on 127.0.0.1: <c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c> with an
/// <c>api-key</c> header (401 without the right one, 400 without api-version), answering in the OpenAI format, scripted faults included.
/// </summary>
public sealed class FakeAzureOpenAIServer(string apiKey) : IFakeUpstream
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private int _requests;

    public string Provider => "azure-openai";

    public string Endpoint { get; private set; } = "";

    public Func<int, Fault> Script { get; set; } = _ => Fault.None;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Deployment, api-version and path of every request, in order.</summary>
    public ConcurrentQueue<(string Deployment, string? ApiVersion, string Path)> Calls { get; } = new();

    public static string ReplyFrom(string deployment) => $"azure {deployment} answers";

    public async Task InitializeAsync()
    {
        (_app, var address) = await LoopbackServer.StartAsync(app => app.MapPost("/openai/deployments/{deployment}/chat/completions", HandleAsync));
        Endpoint = address + "/";
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

    private async Task HandleAsync(HttpContext context, string deployment)
    {
        var apiVersion = context.Request.Query["api-version"].ToString();
        Calls.Enqueue((deployment, apiVersion, context.Request.Path));
        if (context.Request.Headers["api-key"] != apiKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "401", message = "Access denied due to invalid subscription key." } });
            return;
        }
        if (string.IsNullOrEmpty(apiVersion))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = new { code = "MissingApiVersionParameter", message = "The api-version query parameter is required." } });
            return;
        }
        var fault = Script(Interlocked.Increment(ref _requests));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        await ScriptedOpenAIServer.RespondAsync(context, fault, deployment, ReplyFrom(deployment), stop.Token);
    }
}

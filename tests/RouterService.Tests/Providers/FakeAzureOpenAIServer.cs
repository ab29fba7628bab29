using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using AiAspire.RouterService.Tests.Fakes;
using AiAspire.RouterService.Tests.Resilience;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>
/// Azure OpenAI's data plane on 127.0.0.1: <c>POST /openai/deployments/{deployment}/chat/completions?api-version=…</c>
/// authenticated by an <c>api-key</c> header or, when <see cref="BearerToken"/> is set, by an Entra ID
/// <c>Authorization: Bearer</c> token instead (401 without the right one, 400 without api-version), answering in the
/// OpenAI format, scripted faults included.
/// </summary>
public sealed class FakeAzureOpenAIServer(string apiKey) : LoopbackFake, IFakeUpstream
{
    private int _requests;

    public string Provider => "azure-openai";

    public string Endpoint { get; private set; } = "";

    public Func<int, Fault> Script { get; set; } = _ => Fault.None;

    /// <summary>The Entra ID access token accepted instead of the key; null accepts the key only.</summary>
    public string? BearerToken { get; init; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Deployment, api-version and path of every request, in order.</summary>
    public ConcurrentQueue<(string Deployment, string? ApiVersion, string Path)> Calls { get; } = new();

    /// <summary>The api-key and Authorization headers of every request (null when absent), in order.</summary>
    public ConcurrentQueue<(string? ApiKey, string? Authorization)> Credentials { get; } = new();

    /// <summary>Every request body, in order.</summary>
    public ConcurrentQueue<JsonElement> Bodies { get; } = new();

    public static string ReplyFrom(string deployment) => $"azure {deployment} answers";

    protected override void Map(WebApplication app) => app.MapPost("/openai/deployments/{deployment}/chat/completions", HandleAsync);

    protected override void Started(string address) => Endpoint = address + "/";

    private async Task HandleAsync(HttpContext context, string deployment)
    {
        using var stop = Linked(context);
        var apiVersion = context.Request.Query["api-version"].ToString();
        Calls.Enqueue((deployment, apiVersion, context.Request.Path));
        var (key, authorization) = (context.Request.Headers["api-key"].FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault());
        Credentials.Enqueue((key, authorization));

        // The body is read here and handed on, so that it can be both recorded and answered.
        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: stop.Token);
        Bodies.Enqueue(document.RootElement.Clone());
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(document.RootElement.GetRawText()));

        var authenticated = key == apiKey || (BearerToken is not null && authorization == $"Bearer {BearerToken}");
        if (!authenticated)
        {
            await Wire.JsonAsync(context, StatusCodes.Status401Unauthorized,
                new { error = new { code = "401", message = "Access denied due to invalid subscription key or Entra ID token." } }, stop.Token);
            return;
        }
        if (string.IsNullOrEmpty(apiVersion))
        {
            await Wire.JsonAsync(context, StatusCodes.Status400BadRequest,
                new { error = new { code = "MissingApiVersionParameter", message = "The api-version query parameter is required." } }, stop.Token);
            return;
        }
        var fault = Script(Interlocked.Increment(ref _requests));
        await ScriptedOpenAIServer.RespondAsync(context, fault, deployment, ReplyFrom(deployment), stop.Token);
    }
}

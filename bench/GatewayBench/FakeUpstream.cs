using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.GatewayBench;

/// <summary>An OpenAI-style chat completion endpoint on 127.0.0.1 that answers at once with its cost, like the orchestrator (and /health for the gateway's probes).</summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private const string Completion =
        """{"id":"chatcmpl-bench","object":"chat.completion","created":0,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}""";

    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            // Drain the request body as a real service would.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            // As the orchestrator does: the gateway charges this to the monthly budgets.
            context.Response.Headers["x-aiaspire-cost"] = "0.000012";
            await context.Response.WriteAsync(Completion);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return new FakeUpstream(app, address);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

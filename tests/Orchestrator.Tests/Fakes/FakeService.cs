using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>A downstream service on 127.0.0.1 speaking the platform's real wire contracts.</summary>
public abstract class FakeService : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary><c>http://127.0.0.1:port</c>, as service discovery's configuration wants it.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Tenant header of every request received, in order.</summary>
    public ConcurrentQueue<string> Tenants { get; } = new();

    /// <summary>Status to answer every request with (as problem+json) instead of serving it; null serves.</summary>
    public int? FailWith { get; set; }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Tenants.Enqueue(context.Request.Headers[Contracts.AiAspireHeaders.Tenant].ToString());
            if (FailWith is { } status)
            {
                await WriteProblemAsync(context, status, "https://aiaspire.dev/problems/internal", "injected failure");
                return;
            }
            await next(context);
        });
        Map(_app);
        await _app.StartAsync();
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public virtual void Reset()
    {
        Tenants.Clear();
        FailWith = null;
    }

    protected abstract void Map(WebApplication app);

    protected static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type) =>
        await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted)
            ?? throw new InvalidOperationException("null body");

    protected static async Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    protected static Task WriteProblemAsync(HttpContext context, int status, string type, string detail) =>
        WriteProblemAsync(context, status, type, "Fake failure", detail);

    protected static Task WriteProblemAsync(HttpContext context, int status, string type, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(
            new Dictionary<string, object> { ["type"] = type, ["title"] = title, ["status"] = status, ["detail"] = detail }));
    }
}

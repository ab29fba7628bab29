using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Gateway.Tests;

/// <summary>A service behind the gateway on 127.0.0.1 that answers every request with what it received.</summary>
public sealed class EchoBackend(string service) : IAsyncLifetime
{
    private WebApplication? _app;

    public string Service { get; } = service;

    public string Address { get; private set; } = "";

    /// <summary>Every request received, as echoed.</summary>
    public ConcurrentQueue<EchoedRequest> Received { get; } = new();

    /// <summary>When the gateway's active health checks probed this backend.</summary>
    public ConcurrentQueue<DateTimeOffset> HealthProbes { get; } = new();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    /// <summary>Requests sent with <c>x-test-hold: name</c> wait (a stream after its first chunk) until the gate opens.</summary>
    public void Open(string gate) => Gate(gate).TrySetResult();

    private TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            // The gateway's active health probes: answered, not recorded as traffic.
            if (context.Request.Path == "/health")
            {
                HealthProbes.Enqueue(DateTimeOffset.UtcNow);
                await context.Response.WriteAsync("Healthy");
                return;
            }
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var echoed = new EchoedRequest(
                Service,
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.Select(v => v ?? "").ToArray()),
                Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body.ToArray())));
            Received.Enqueue(echoed);
            // Test controls: a slow backend, and the token usage an OpenAI-style backend would report.
            if (int.TryParse(context.Request.Headers["x-test-delay-ms"], out var delay))
            {
                await Task.Delay(Math.Clamp(delay, 0, 10_000));
            }
            if (context.Request.Headers["x-test-cost"] is { Count: 1 } cost)
            {
                context.Response.Headers["x-aiaspire-cost"] = cost;
            }
            var usage = long.TryParse(context.Request.Headers["x-test-usage"], out var tokens) ? tokens : (long?)null;
            var hold = context.Request.Headers["x-test-hold"].ToString();
            if (context.Request.Headers.ContainsKey("x-test-stream"))
            {
                // Like the orchestrator: usage as an OpenAI chunk, or in its "aiaspire-usage" comment (x-test-usage-in: comment)
                // next to the cost; x-test-cut: before-usage | after-usage ends the stream abruptly there.
                var cut = context.Request.Headers["x-test-cut"].ToString();
                var inComment = context.Request.Headers["x-test-usage-in"] == "comment";
                context.Response.ContentType = "text/event-stream";
                for (var i = 0; i < 3; i++)
                {
                    await context.Response.WriteAsync($"data: {{\"choices\":[{{\"delta\":{{\"content\":\"part {i}\"}}}}],\"usage\":null}}\n\n");
                    await context.Response.Body.FlushAsync();
                    if (i == 0 && hold.Length > 0)
                    {
                        await Gate(hold).Task.WaitAsync(context.RequestAborted);
                    }
                }
                // A cut waits for its gate first (x-test-cut-gate): the test has read what came before, so the reset
                // cannot overtake it on the wire.
                var cutGate = context.Request.Headers["x-test-cut-gate"].ToString();
                if (cut == "before-usage")
                {
                    await Gate(cutGate).Task.WaitAsync(context.RequestAborted);
                    context.Abort();
                    return;
                }
                if (usage is not null && !inComment)
                {
                    await context.Response.WriteAsync($"data: {{\"choices\":[],\"usage\":{{\"prompt_tokens\":1,\"completion_tokens\":{usage - 1},\"total_tokens\":{usage}}}}}\n\n");
                }
                if (context.Request.Headers.ContainsKey("x-test-stream-cost") || inComment)
                {
                    var tokenFields = usage is not null && inComment ? $"\"prompt_tokens\":1,\"completion_tokens\":{usage - 1},\"total_tokens\":{usage}," : "";
                    var costValue = context.Request.Headers["x-test-stream-cost"].ToString() is { Length: > 0 } c ? c : "0";
                    await context.Response.WriteAsync($": aiaspire-usage {{{tokenFields}\"cost_usd\":{costValue}}}\n\n");
                }
                await context.Response.Body.FlushAsync();
                if (cut == "after-usage")
                {
                    await Gate(cutGate).Task.WaitAsync(context.RequestAborted);
                    context.Abort();
                    return;
                }
                await context.Response.WriteAsync("data: [DONE]\n\n");
                return;
            }
            if (hold.Length > 0)
            {
                await Gate(hold).Task.WaitAsync(context.RequestAborted);
            }
            var json = JsonSerializer.SerializeToNode(echoed, EchoedRequest.JsonOptions)!;
            if (usage is not null)
            {
                json["usage"] = new JsonObject { ["total_tokens"] = usage };
            }
            context.Response.ContentType = "application/json";
            context.Response.Headers.Server = "echo-backend";
            await context.Response.WriteAsync(json.ToJsonString());
        });
        await _app.StartAsync();
        Address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/";
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

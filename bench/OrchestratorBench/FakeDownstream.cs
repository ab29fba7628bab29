using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.OrchestratorBench;

/// <summary>
/// GuardrailService, RagService and RouterService on one 127.0.0.1 port, speaking their real wire contracts and
/// answering at once (the model after <c>upstreamMs</c>). Every call is timed from the moment the request reaches
/// it until its response is written, and filed under the bench id (<c>bench…x…</c>) found in its body: a request's
/// upstream time is the sum of its calls, what the orchestrator waited for.
/// </summary>
internal sealed partial class FakeDownstream : IAsyncDisposable
{
    public const string Deployment = "bench-model";

    /// <summary>The guard policy version the fake guards report, as GuardrailService does.</summary>
    public const string PolicyVersion = "bench-policy";

    private static readonly RouteDecision Route = new("default", Deployment, "bench", "fake", "priority", [new RouteAttempt(Deployment, "ok", 0, null)]);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _upstreamTicks = new(StringComparer.Ordinal);

    private FakeDownstream(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    /// <summary>Calls seen, by path; a call whose body held no bench id is counted here and nowhere else.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeDownstream> StartAsync(int upstreamMs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeDownstream(app);
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            context.Request.EnableBuffering();
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true))
            {
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }
            context.Request.Body.Position = 0;
            await next(context);
            fake.Calls.AddOrUpdate(context.Request.Path.Value ?? "", 1, (_, n) => n + 1);
            if (BenchId().Match(body) is { Success: true } id)
            {
                fake._upstreamTicks.AddOrUpdate(id.Value, Stopwatch.GetTimestamp() - started, (_, t) => t + Stopwatch.GetTimestamp() - started);
            }
        });
        fake.Map(app, upstreamMs);
        await app.StartAsync();
        fake.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return fake;
    }

    /// <summary>The upstream time of one bench request, in milliseconds (and forgets it).</summary>
    public double TakeUpstreamMs(string id) =>
        _upstreamTicks.TryRemove(id, out var ticks) ? ticks * 1000.0 / Stopwatch.Frequency : 0;

    public void Forget() => _upstreamTicks.Clear();

    [GeneratedRegex(@"bench\d+x\d+", RegexOptions.CultureInvariant)]
    public static partial Regex BenchId();

    private void Map(WebApplication app, int upstreamMs)
    {
        app.MapPost("/v1/guard/input", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.GuardInputRequest);
            await WriteAsync(context, new GuardInputResponse(true, request.Messages, [], null, [], PolicyVersion: PolicyVersion), ContractsJsonContext.Default.GuardInputResponse);
        });
        app.MapPost("/v1/guard/documents", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, GuardJsonContext.Default.GuardDocumentsRequest);
            await WriteAsync(context, new GuardDocumentsResponse([.. request.Documents.Select((d, i) => new GuardDocumentVerdict(i, d.Id, true, null))], 0),
                GuardJsonContext.Default.GuardDocumentsResponse);
        });
        app.MapPost("/v1/guard/output", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.GuardOutputRequest);
            await WriteAsync(context, new GuardOutputResponse(true, request.Text, [], PolicyVersion: PolicyVersion), ContractsJsonContext.Default.GuardOutputResponse);
        });

        // Two passages that carry the question's bench id, so that the documents check is attributed to it too.
        app.MapPost("/v1/retrieve", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.RetrieveRequest);
            var id = BenchId().Match(request.Query ?? "").Value;
            await WriteAsync(context, new RetrieveResponse(
                [
                    new RetrievedChunk("doc-1", "chunk-1", $"Invoices are due within thirty days of the end of the month ({id}).", 0.82, "billing.md", "Terms"),
                    new RetrievedChunk("doc-2", "chunk-2", $"Refunds are issued within fourteen days of a written request ({id}).", 0.61, "refunds.md", "Refunds"),
                ], "bench-embedding"), ContractsJsonContext.Default.RetrieveResponse);
        });
        app.MapPost("/v1/embeddings", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var embedding = Embed(body.RootElement.GetProperty("input").GetString() ?? "");
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                $$"""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[{{string.Join(",", embedding.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}}]}],"model":"bench-embedding"}""");
        });

        MapOpenAIChat(app, upstreamMs);
        app.MapGet("/v1/models", (HttpContext context) => WriteAsync(context,
            [new ModelDescriptor("default", "route", "", null, 128_000, 4_096), new ModelDescriptor(Deployment, "deployment", "fake", "bench", 128_000, 4_096)],
            ContractsJsonContext.Default.IReadOnlyListModelDescriptor));
        app.MapPost("/v1/complete", async (HttpContext context) =>
        {
            var request = await ReadAsync(context, ContractsJsonContext.Default.CompletionRequest);
            var id = BenchId().Match(string.Join("\n", request.Messages.Select(m => m.Content))).Value;
            if (upstreamMs > 0)
            {
                await Task.Delay(upstreamMs, context.RequestAborted);
            }
            var answer = $"Invoices are due within thirty days of the end of the month [1]. ({id})";
            if (!request.Stream)
            {
                await WriteAsync(context, new CompletionResponse(answer, "stop", Route, new TokenUsage(120, 24), 0.0001m), ContractsJsonContext.Default.CompletionResponse);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            foreach (var @event in (CompletionStreamEvent[])[
                new(CompletionStreamEvent.Start, Route: Route),
                new(CompletionStreamEvent.Delta, Text: answer),
                new(CompletionStreamEvent.Done, FinishReason: "stop", Route: Route, Usage: new TokenUsage(120, 24), CostUsd: 0.0001m)])
            {
                await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(@event, ContractsJsonContext.Default.CompletionStreamEvent) + "\n\n");
            }
        });
    }

    /// <summary>
    /// A stand-in for an embedding model: words hashed into 64 buckets, a few courtesy words and the bench id left out,
    /// so that "please, how do I get a refund" and "how do I get a refund" embed alike and other questions do not.
    /// </summary>
    private static float[] Embed(string text)
    {
        var vector = new float[64];
        foreach (var word in text.Split([' ', ',', '?', '.', '!'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word is "please" or "kindly" or "hello" or "hi" || BenchId().IsMatch(word))
            {
                continue;
            }
            var hash = 2166136261u;
            foreach (var c in word)
            {
                hash = (hash ^ c) * 16777619u;
            }
            vector[(int)(hash % 64)] += 1;
        }
        return vector;
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted) ?? throw new InvalidOperationException("null body");

    private static async Task WriteAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

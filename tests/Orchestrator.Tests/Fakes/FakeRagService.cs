using System.Collections.Concurrent;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>RagService's contract: retrieval answers <see cref="Chunks"/>; embeddings echo what they were sent.</summary>
public sealed class FakeRagService : FakeService
{
    public IReadOnlyList<RetrievedChunk> Chunks { get; set; } = [];

    public ConcurrentQueue<RetrieveRequest> RetrieveRequests { get; } = new();

    public ConcurrentQueue<(string? ContentType, string Body)> EmbeddingRequests { get; } = new();

    public override void Reset()
    {
        base.Reset();
        Chunks = [];
        RetrieveRequests.Clear();
        EmbeddingRequests.Clear();
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/retrieve", async (HttpContext context) =>
        {
            RetrieveRequests.Enqueue(await ReadAsync(context, ContractsJsonContext.Default.RetrieveRequest));
            await WriteAsync(context, new RetrieveResponse(Chunks, "fake-minilm"), ContractsJsonContext.Default.RetrieveResponse);
        });

        app.MapPost("/v1/embeddings", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            EmbeddingRequests.Enqueue((context.Request.ContentType, body));
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("""{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.25,-0.5]}],"model":"fake-minilm"}""");
        });
    }
}

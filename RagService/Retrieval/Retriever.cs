using System.Diagnostics;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Retrieval;

/// <summary>Embeds the query and searches the tenant's collection; skips the embedding when there is nothing to search.</summary>
public sealed class Retriever
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly IVectorStore _store;
    private readonly string _model;

    public Retriever(IEmbeddingGenerator<string, Embedding<float>> generator, IVectorStore store)
    {
        _generator = generator;
        _store = store;
        _model = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
            ?? throw new InvalidOperationException("The embedding generator does not name its model.");
    }

    public string EmbeddingModel => _model;

    public async Task<RetrieveResponse> RetrieveAsync(
        string tenant, string collection, string query, int topK, double minScore, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag retrieve");
        activity?.SetTag("aiaspire.tenant", tenant);
        activity?.SetTag("aiaspire.rag.collection", collection);
        activity?.SetTag("aiaspire.rag.top_k", topK);

        // The orchestrator asks on every chat request; most tenants have no documents, so answer without the model.
        var chunks = await _store.CountChunksAsync(tenant, collection, _model, cancellationToken);
        activity?.SetTag("aiaspire.rag.collection.chunks", chunks);
        if (chunks == 0)
        {
            activity?.SetTag("aiaspire.rag.results", 0);
            RecordDuration(embedded: false);
            return new RetrieveResponse([], _model);
        }

        var vector = await _generator.GenerateVectorAsync(query, cancellationToken: cancellationToken);

        IReadOnlyList<VectorMatch> matches;
        using (var search = RagTelemetry.ActivitySource.StartActivity("rag search"))
        {
            search?.SetTag("aiaspire.rag.collection.chunks", chunks);
            matches = await _store.SearchAsync(new VectorSearchRequest(tenant, collection, _model, vector, topK, minScore), cancellationToken);
            search?.SetTag("aiaspire.rag.results", matches.Count);
        }

        activity?.SetTag("aiaspire.rag.results", matches.Count);
        RecordDuration(embedded: true);
        return new RetrieveResponse(
            [.. matches.Select(match => new RetrievedChunk(
                match.Document.Id, match.Chunk.ChunkId, match.Chunk.Text, Math.Round(match.Score, 6), match.Document.Source, match.Chunk.HeadingPath))],
            _model);

        void RecordDuration(bool embedded) => RagTelemetry.RetrievalDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("aiaspire.rag.query_embedded", embedded));
    }
}

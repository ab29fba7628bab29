using System.Diagnostics;
using System.Numerics.Tensors;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Retrieval;

/// <summary>
/// Embeds the query and searches the tenant's collection by vector, by BM25 keywords or both (fused by reciprocal rank),
/// optionally re-ranked for diversity; skips the embedding when there is nothing to search.
/// </summary>
public sealed class Retriever
{
    /// <summary>How many candidates each search contributes before fusion and diversity re-ranking, at most.</summary>
    public const int MaxCandidates = 200;

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

    public async Task<RetrieveResponse> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var started = Stopwatch.GetTimestamp();
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag retrieve");
        activity?.SetTag("aiaspire.tenant", query.Tenant);
        activity?.SetTag("aiaspire.rag.collection", query.Collection);
        activity?.SetTag("aiaspire.rag.top_k", query.TopK);
        activity?.SetTag("aiaspire.rag.mode", ModeName(query.Mode));
        activity?.SetTag("aiaspire.rag.mmr", query.MmrLambda is not null);

        // The orchestrator asks on every chat request; most tenants have no documents, so answer without the model.
        var chunks = await _store.CountChunksAsync(query.Tenant, query.Collection, _model, cancellationToken);
        activity?.SetTag("aiaspire.rag.collection.chunks", chunks);
        if (chunks == 0)
        {
            activity?.SetTag("aiaspire.rag.results", 0);
            RecordDuration(embedded: false);
            return new RetrieveResponse([], _model);
        }

        // Every mode needs the query vector: minScore is a cosine similarity, and MMR compares directions.
        var vector = await _generator.GenerateVectorAsync(query.Query, cancellationToken: cancellationToken);
        var pool = query.Mode == RetrievalMode.Vector && query.MmrLambda is null ? query.TopK : Math.Clamp(query.TopK * 4, 40, MaxCandidates);

        List<Candidate> candidates;
        using (var search = RagTelemetry.ActivitySource.StartActivity("rag search"))
        {
            search?.SetTag("aiaspire.rag.collection.chunks", chunks);
            IReadOnlyList<VectorMatch> vectorMatches = query.Mode == RetrievalMode.Keyword
                ? []
                : await _store.SearchAsync(
                    new VectorSearchRequest(query.Tenant, query.Collection, _model, vector, pool, query.MinScore, query.Filter), cancellationToken);
            IReadOnlyList<KeywordMatch> keywordMatches = query.Mode == RetrievalMode.Vector
                ? []
                : await _store.KeywordSearchAsync(
                    new KeywordSearchRequest(query.Tenant, query.Collection, _model, query.Query, pool, query.Filter), cancellationToken);
            search?.SetTag("aiaspire.rag.vector_results", vectorMatches.Count);
            search?.SetTag("aiaspire.rag.keyword_results", keywordMatches.Count);

            candidates = query.Mode switch
            {
                RetrievalMode.Vector => [.. vectorMatches.Select(m => new Candidate(m.Document, m.Chunk, m.Score, null, null, m.Score))],
                RetrievalMode.Keyword => [.. keywordMatches.Select(m => new Candidate(m.Document, m.Chunk, Cosine(vector, m.Chunk), m.Score, null, m.Score))],
                _ => ReciprocalRankFusion.Fuse(vectorMatches, keywordMatches, chunk => Cosine(vector, chunk)),
            };
            // The vector search applied minScore already; keyword hits must clear it too.
            candidates.RemoveAll(c => c.Cosine < query.MinScore);
            search?.SetTag("aiaspire.rag.results", candidates.Count);
        }

        var results = query.MmrLambda is { } lambda
            ? MaximalMarginalRelevance.Select(candidates, query.TopK, lambda)
            : candidates.Take(query.TopK).ToList();

        activity?.SetTag("aiaspire.rag.results", results.Count);
        RecordDuration(embedded: true);
        return new RetrieveResponse(
            [.. results.Select(c => new RetrievedChunk(
                c.Document.Id, c.Chunk.ChunkId, c.Chunk.Text, Math.Round(c.Cosine, 6), c.Document.Source, c.Chunk.HeadingPath,
                c.Chunk.Start, c.Chunk.End, c.Keyword is { } keyword ? Math.Round(keyword, 6) : null, c.Fused is { } fused ? Math.Round(fused, 6) : null))],
            _model);

        void RecordDuration(bool embedded) => RagTelemetry.RetrievalDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("aiaspire.rag.query_embedded", embedded));
    }

    public static string ModeName(RetrievalMode mode) => mode switch
    {
        RetrievalMode.Vector => "vector",
        RetrievalMode.Keyword => "keyword",
        _ => "hybrid",
    };

    private static double Cosine(ReadOnlyMemory<float> query, StoredChunk chunk)
    {
        var similarity = TensorPrimitives.CosineSimilarity(query.Span, chunk.Vector.Span);
        return float.IsNaN(similarity) ? 0 : Math.Clamp(similarity, -1f, 1f);
    }
}

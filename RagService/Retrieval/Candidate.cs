using AiAspire.RagService.Stores;

namespace AiAspire.RagService.Retrieval;

/// <summary>A chunk on its way to a result: its cosine similarity to the query, BM25 score and fused score when known.</summary>
/// <param name="Relevance">What the mode ranks by: cosine (vector), BM25 (keyword) or the fused score (hybrid).</param>
internal sealed record Candidate(StoredDocument Document, StoredChunk Chunk, double Cosine, double? Keyword, double? Fused, double Relevance);

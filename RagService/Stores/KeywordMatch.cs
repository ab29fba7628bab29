namespace AiAspire.RagService.Stores;

/// <summary>A keyword search hit; <see cref="Score"/> is the chunk's BM25 score for the query, greater than zero.</summary>
public sealed record KeywordMatch(StoredDocument Document, StoredChunk Chunk, double Score);

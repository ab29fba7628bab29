namespace AiAspire.RagService.Stores;

/// <summary>A search hit; <see cref="Score"/> is the cosine similarity in [-1, 1].</summary>
public sealed record VectorMatch(StoredDocument Document, StoredChunk Chunk, double Score);

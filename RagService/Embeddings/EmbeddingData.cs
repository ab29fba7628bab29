namespace AiAspire.RagService.Embeddings;

public sealed record EmbeddingData(string Object, int Index, EmbeddingVector Embedding);

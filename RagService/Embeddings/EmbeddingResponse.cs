namespace AiAspire.RagService.Embeddings;

public sealed record EmbeddingResponse(string Object, IReadOnlyList<EmbeddingData> Data, string Model, EmbeddingUsage Usage);

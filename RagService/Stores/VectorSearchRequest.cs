namespace AiAspire.RagService.Stores;

/// <summary>Nearest chunks by cosine similarity within one tenant's collection of one embedding model.</summary>
public sealed record VectorSearchRequest(
    string Tenant,
    string Collection,
    string EmbeddingModel,
    ReadOnlyMemory<float> Vector,
    int TopK,
    double MinScore);

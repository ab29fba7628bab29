namespace AiAspire.RagService.Stores;

/// <summary>Nearest chunks by cosine similarity within one tenant's collection of one embedding model.</summary>
/// <param name="Tenant">Required: a store searches this tenant's data and nothing else.</param>
/// <param name="Filter">Metadata pairs a matching chunk's document must all have (equality); null or empty filters nothing.</param>
public sealed record VectorSearchRequest(
    string Tenant,
    string Collection,
    string EmbeddingModel,
    ReadOnlyMemory<float> Vector,
    int TopK,
    double MinScore,
    IReadOnlyDictionary<string, string>? Filter = null);

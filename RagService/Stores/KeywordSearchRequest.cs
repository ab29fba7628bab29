namespace AiAspire.RagService.Stores;

/// <summary>Chunks ranked by BM25 for <see cref="Query"/> within one tenant's collection of one embedding model.</summary>
/// <param name="Tenant">Required: a store searches this tenant's data and nothing else.</param>
/// <param name="Filter">Metadata pairs a matching chunk's document must all have (equality); null or empty filters nothing.</param>
public sealed record KeywordSearchRequest(
    string Tenant,
    string Collection,
    string EmbeddingModel,
    string Query,
    int TopK,
    IReadOnlyDictionary<string, string>? Filter = null);

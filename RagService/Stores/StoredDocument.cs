namespace AiAspire.RagService.Stores;

/// <summary>A document as a store keeps it; its id is unique within the tenant, across collections.</summary>
/// <param name="ContentHash">Lower-case hex SHA-256 of the UTF-8 text.</param>
/// <param name="EmbeddingModel">The model that embedded its chunks; vectors of different models never meet in a search.</param>
public sealed record StoredDocument(
    string Tenant,
    string Id,
    string Collection,
    string Source,
    string ContentType,
    string ContentHash,
    string EmbeddingModel,
    int ChunkCount,
    DateTimeOffset IngestedAt,
    IReadOnlyDictionary<string, string>? Metadata);

namespace AiAspire.RagService.Stores;

/// <summary>
/// Where chunks and their vectors live, per tenant. Every call names the tenant and an implementation applies it itself
/// (a blank tenant is an <see cref="ArgumentException"/>), so no caller can search, list or change another tenant's data.
/// Implementations: <see cref="EmbeddedVectorStore"/> (in process, persisted to disk) and <see cref="QdrantVectorStore"/>.
/// </summary>
public interface IVectorStore
{
    /// <summary>Stores <paramref name="document"/> with exactly <paramref name="chunks"/>, replacing any document of the same id and all its chunks.</summary>
    Task UpsertDocumentAsync(StoredDocument document, IReadOnlyList<StoredChunk> chunks, CancellationToken cancellationToken);

    /// <summary>
    /// Stores documents of one tenant as <see cref="UpsertDocumentAsync"/> does, one after another by default; the embedded
    /// store updates its indexes and writes its snapshot once for the whole batch.
    /// </summary>
    async Task UpsertDocumentsAsync(IReadOnlyList<DocumentUpsert> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Select(d => d.Document.Tenant).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException("A batch upsert stores documents of one tenant.", nameof(documents));
        }
        foreach (var upsert in documents)
        {
            await UpsertDocumentAsync(upsert.Document, upsert.Chunks, cancellationToken);
        }
    }

    /// <summary>Removes the document and its chunks; false when the tenant has no such document.</summary>
    Task<bool> DeleteDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken);

    Task<StoredDocument?> GetDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken);

    /// <summary>The tenant's documents, optionally of one collection, ordered by collection then id.</summary>
    Task<IReadOnlyList<StoredDocument>> ListDocumentsAsync(string tenant, string? collection, CancellationToken cancellationToken);

    /// <summary>How many chunks a search of this tenant, collection and model would scan: zero means there is no need to embed a query.</summary>
    Task<long> CountChunksAsync(string tenant, string collection, string embeddingModel, CancellationToken cancellationToken);

    /// <summary>At most <see cref="VectorSearchRequest.TopK"/> matches scoring at least <see cref="VectorSearchRequest.MinScore"/>, best first.</summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorSearchRequest request, CancellationToken cancellationToken);

    /// <summary>At most <see cref="KeywordSearchRequest.TopK"/> chunks sharing a term with the query, by BM25 score, best first.</summary>
    Task<IReadOnlyList<KeywordMatch>> KeywordSearchAsync(KeywordSearchRequest request, CancellationToken cancellationToken);
}

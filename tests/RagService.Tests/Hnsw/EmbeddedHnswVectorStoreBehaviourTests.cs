using AiAspire.RagService.Stores;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagService.Tests.Hnsw;

/// <summary>
/// The shared store behaviour with every collection searched through its HNSW graph, however small: each write waits for the
/// background graph build it starts, so every search after it goes through the graph.
/// </summary>
public sealed class EmbeddedHnswVectorStoreBehaviourTests : VectorStoreBehaviour, IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly EmbeddedVectorStore _store;

    public EmbeddedHnswVectorStoreBehaviourTests()
    {
        _store = new EmbeddedVectorStore(_data.Path, NullLogger<EmbeddedVectorStore>.Instance,
            new EmbeddedIndexOptions { ApproximateSearchMinChunks = 0, PersistGraphMinChunks = 0 });
        Store = new GraphSettlingStore(_store);
    }

    protected override IVectorStore Store { get; }

    public void Dispose()
    {
        _store.Dispose();
        _data.Dispose();
    }

    private sealed class GraphSettlingStore(EmbeddedVectorStore inner) : IVectorStore
    {
        public async Task UpsertDocumentAsync(StoredDocument document, IReadOnlyList<StoredChunk> chunks, CancellationToken cancellationToken)
        {
            await inner.UpsertDocumentAsync(document, chunks, cancellationToken);
            await Settle(document.Tenant);
        }

        public async Task<bool> DeleteDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken)
        {
            var deleted = await inner.DeleteDocumentAsync(tenant, documentId, cancellationToken);
            if (!string.IsNullOrWhiteSpace(tenant))
            {
                await Settle(tenant);
            }
            return deleted;
        }

        public Task<StoredDocument?> GetDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken) =>
            inner.GetDocumentAsync(tenant, documentId, cancellationToken);

        public Task<IReadOnlyList<StoredDocument>> ListDocumentsAsync(string tenant, string? collection, CancellationToken cancellationToken) =>
            inner.ListDocumentsAsync(tenant, collection, cancellationToken);

        public Task<long> CountChunksAsync(string tenant, string collection, string embeddingModel, CancellationToken cancellationToken) =>
            inner.CountChunksAsync(tenant, collection, embeddingModel, cancellationToken);

        public Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorSearchRequest request, CancellationToken cancellationToken) =>
            inner.SearchAsync(request, cancellationToken);

        public Task<IReadOnlyList<KeywordMatch>> KeywordSearchAsync(KeywordSearchRequest request, CancellationToken cancellationToken) =>
            inner.KeywordSearchAsync(request, cancellationToken);

        private async Task Settle(string tenant)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await inner.WhenGraphsBuiltAsync(tenant, limit.Token);
        }
    }
}

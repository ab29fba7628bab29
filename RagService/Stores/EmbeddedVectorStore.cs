using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;

namespace AiAspire.RagService.Stores;

/// <summary>
/// Exact cosine search in process memory, one snapshot file per tenant under <c>{dataPath}/vectors</c>. Writes of a tenant
/// are serialized and reach the disk before they become visible, so memory never runs ahead of what a restart would load;
/// reads take no lock (each tenant's index is immutable and swapped whole).
/// </summary>
public sealed partial class EmbeddedVectorStore : IVectorStore
{
    private readonly ConcurrentDictionary<string, TenantSlot> _tenants = new(StringComparer.Ordinal);
    private readonly ILogger<EmbeddedVectorStore> _logger;

    public EmbeddedVectorStore(string dataPath, ILogger<EmbeddedVectorStore> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);
        _logger = logger;
        DirectoryPath = Path.GetFullPath(Path.Combine(dataPath, "vectors"));
        Directory.CreateDirectory(DirectoryPath);
        Load();
    }

    /// <summary>Where the tenants' snapshot files live.</summary>
    public string DirectoryPath { get; }

    /// <summary>The snapshot file of <paramref name="tenant"/>: named by a hash, as tenant names need not be valid file names.</summary>
    public string SnapshotPathFor(string tenant) =>
        Path.Combine(DirectoryPath, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..32] + SnapshotFile.Extension);

    public async Task UpsertDocumentAsync(StoredDocument document, IReadOnlyList<StoredChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentException.ThrowIfNullOrWhiteSpace(document.Tenant);
        ArgumentException.ThrowIfNullOrEmpty(document.Id);
        var entry = new DocumentEntry(document with { ChunkCount = chunks.Count }, [.. chunks.Select(Normalized)]);
        if (entry.Chunks.Any(c => c.Vector.Length != entry.Dimensions || c.Vector.Length == 0))
        {
            throw new ArgumentException("Every chunk of a document needs a non-empty vector of the same length.", nameof(chunks));
        }

        var slot = _tenants.GetOrAdd(document.Tenant, _ => new TenantSlot());
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var other = slot.Index.Documents.Values.FirstOrDefault(d =>
                d.Key == entry.Key && d.Document.Id != document.Id && !d.Chunks.IsEmpty && d.Dimensions != entry.Dimensions);
            if (other is not null && !entry.Chunks.IsEmpty)
            {
                throw new ArgumentException(
                    $"Collection '{document.Collection}' of model {document.EmbeddingModel} holds {other.Dimensions}-dimensional vectors, not {entry.Dimensions}.",
                    nameof(chunks));
            }
            Commit(document.Tenant, slot, slot.Index.With(entry));
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task<bool> DeleteDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        if (!_tenants.TryGetValue(tenant, out var slot))
        {
            return false;
        }
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var next = slot.Index.Without(documentId);
            if (ReferenceEquals(next, slot.Index))
            {
                return false;
            }
            Commit(tenant, slot, next);
            return true;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public Task<StoredDocument?> GetDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken) =>
        Task.FromResult(IndexOf(tenant).Documents.TryGetValue(documentId, out var entry) ? entry.Document : null);

    public Task<IReadOnlyList<StoredDocument>> ListDocumentsAsync(string tenant, string? collection, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredDocument>>(IndexOf(tenant).Documents.Values
            .Select(entry => entry.Document)
            .Where(document => collection is null || document.Collection == collection)
            .OrderBy(document => document.Collection, StringComparer.Ordinal)
            .ThenBy(document => document.Id, StringComparer.Ordinal)
            .ToList());

    public Task<long> CountChunksAsync(string tenant, string collection, string embeddingModel, CancellationToken cancellationToken) =>
        Task.FromResult(IndexOf(tenant).Collections.TryGetValue(new CollectionKey(collection, embeddingModel), out var index) ? (long)index.Count : 0);

    public Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Tenant, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.TopK, 1);
        if (!IndexOf(request.Tenant).Collections.TryGetValue(new CollectionKey(request.Collection, request.EmbeddingModel), out var index))
        {
            return Task.FromResult<IReadOnlyList<VectorMatch>>([]);
        }
        if (request.Vector.Length != index.Dimensions)
        {
            throw new ArgumentException($"The query has {request.Vector.Length} dimensions; the collection {index.Dimensions}.", nameof(request));
        }
        var query = Normalize(request.Vector.Span);
        return Task.FromResult<IReadOnlyList<VectorMatch>>(index.Search(query, request.TopK, request.MinScore, request.Filter));
    }

    public Task<IReadOnlyList<KeywordMatch>> KeywordSearchAsync(KeywordSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Tenant, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Query, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.TopK, 1);
        return Task.FromResult<IReadOnlyList<KeywordMatch>>(
            IndexOf(request.Tenant).Collections.TryGetValue(new CollectionKey(request.Collection, request.EmbeddingModel), out var index)
                ? index.SearchKeywords(request.Query, request.TopK, request.Filter)
                : []);
    }

    private TenantIndex IndexOf(string tenant)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        return _tenants.TryGetValue(tenant, out var slot) ? slot.Index : TenantIndex.Empty;
    }

    /// <summary>Disk first, then memory: if the write fails, readers keep seeing the state a restart would load.</summary>
    private void Commit(string tenant, TenantSlot slot, TenantIndex next)
    {
        var path = SnapshotPathFor(tenant);
        if (next.Documents.IsEmpty)
        {
            File.Delete(path);
        }
        else
        {
            SnapshotFile.Write(path, tenant, next);
        }
        slot.Index = next;
    }

    private void Load()
    {
        foreach (var temporary in Directory.EnumerateFiles(DirectoryPath, "*" + SnapshotFile.Extension + SnapshotFile.TemporaryExtension))
        {
            // A write that never reached its rename: the snapshot beside it is the last complete state.
            LogDiscardedTemporary(_logger, temporary);
            File.Delete(temporary);
        }

        foreach (var path in Directory.EnumerateFiles(DirectoryPath, "*" + SnapshotFile.Extension))
        {
            try
            {
                var (tenant, documents) = SnapshotFile.Read(path);
                if (!string.Equals(SnapshotPathFor(tenant), path, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{path} holds tenant data that belongs in {Path.GetFileName(SnapshotPathFor(tenant))}.");
                }
                _tenants[tenant] = new TenantSlot { Index = TenantIndex.From(documents) };
            }
            catch (InvalidDataException ex)
            {
                var quarantine = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
                File.Move(path, quarantine, overwrite: true);
                LogQuarantined(_logger, ex, path, quarantine);
            }
        }
        LogLoaded(_logger, _tenants.Count, _tenants.Values.Sum(s => s.Index.Documents.Count), DirectoryPath);
    }

    private static StoredChunk Normalized(StoredChunk chunk) => chunk with { Vector = Normalize(chunk.Vector.Span) };

    /// <summary>A unit-length copy (the zero vector stays zero and scores 0 against everything).</summary>
    private static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
        {
            TensorPrimitives.Divide(copy, norm, copy);
        }
        return copy;
    }

    [LoggerMessage(LogLevel.Warning, "Discarded the unfinished snapshot write {Path}")]
    private static partial void LogDiscardedTemporary(ILogger logger, string path);

    [LoggerMessage(LogLevel.Critical, "Snapshot {Path} is damaged and was moved to {Quarantine}; that tenant's documents must be ingested again")]
    private static partial void LogQuarantined(ILogger logger, Exception exception, string path, string quarantine);

    [LoggerMessage(LogLevel.Information, "Embedded vector store loaded {Tenants} tenants, {Documents} documents from {Directory}")]
    private static partial void LogLoaded(ILogger logger, int tenants, int documents, string directory);

    private sealed class TenantSlot
    {
        private volatile TenantIndex _index = TenantIndex.Empty;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public TenantIndex Index
        {
            get => _index;
            set => _index = value;
        }
    }
}

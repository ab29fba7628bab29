using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using AiAspire.RagService.Stores.Hnsw;

namespace AiAspire.RagService.Stores;

/// <summary>
/// Cosine search in process memory — exact below <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/> chunks per
/// collection (with no graph kept), through an HNSW graph from there on — with one snapshot file per tenant under <c>{dataPath}/vectors</c> (and the
/// large collections' graphs beside it). Indexes are per tenant, so no search can reach another tenant's chunks. Writes of a
/// tenant are serialized and reach the disk before they become visible, so memory never runs ahead of what a restart would
/// load; reads take no lock (each tenant's index is immutable and swapped whole; graphs are shared append-only).
/// </summary>
public sealed partial class EmbeddedVectorStore : IVectorStore
{
    private readonly ConcurrentDictionary<string, TenantSlot> _tenants = new(StringComparer.Ordinal);
    private readonly ILogger<EmbeddedVectorStore> _logger;
    private readonly EmbeddedIndexOptions _options;

    public EmbeddedVectorStore(string dataPath, ILogger<EmbeddedVectorStore> logger, EmbeddedIndexOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);
        _logger = logger;
        _options = options ?? new EmbeddedIndexOptions();
        DirectoryPath = Path.GetFullPath(Path.Combine(dataPath, "vectors"));
        Directory.CreateDirectory(DirectoryPath);
        Load();
    }

    /// <summary>Where the tenants' snapshot files live.</summary>
    public string DirectoryPath { get; }

    /// <summary>The snapshot file of <paramref name="tenant"/>: named by a hash, as tenant names need not be valid file names.</summary>
    public string SnapshotPathFor(string tenant) => Path.Combine(DirectoryPath, TenantFileName(tenant) + SnapshotFile.Extension);

    /// <summary>The saved HNSW graph of one tenant's collection of one embedding model (see <see cref="EmbeddedIndexOptions.PersistGraphMinChunks"/>).</summary>
    public string GraphPathFor(string tenant, string collection, string embeddingModel) =>
        Path.Combine(DirectoryPath, TenantFileName(tenant) + "-" + Hash(collection + "\0" + embeddingModel)[..16] + HnswGraphFile.Extension);

    /// <summary>Whether searches of this collection go through the HNSW graph (false when it is small, or absent).</summary>
    public bool SearchesApproximately(string tenant, string collection, string embeddingModel) =>
        IndexOf(tenant).Collections.TryGetValue(new CollectionKey(collection, embeddingModel), out var index) && index.SearchesApproximately;

    internal CollectionIndex? CollectionIndexFor(string tenant, string collection, string embeddingModel) =>
        IndexOf(tenant).Collections.GetValueOrDefault(new CollectionKey(collection, embeddingModel));

    public Task UpsertDocumentAsync(StoredDocument document, IReadOnlyList<StoredChunk> chunks, CancellationToken cancellationToken) =>
        UpsertDocumentsAsync([new DocumentUpsert(document, chunks)], cancellationToken);

    /// <summary>One index update per collection and one snapshot write for the whole batch: bulk loads insert incrementally.</summary>
    public async Task UpsertDocumentsAsync(IReadOnlyList<DocumentUpsert> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            return;
        }
        var entries = new List<DocumentEntry>(documents.Count);
        foreach (var (document, chunks) in documents)
        {
            ArgumentNullException.ThrowIfNull(document);
            ArgumentNullException.ThrowIfNull(chunks);
            ArgumentException.ThrowIfNullOrWhiteSpace(document.Tenant);
            ArgumentException.ThrowIfNullOrEmpty(document.Id);
            var entry = new DocumentEntry(document with { ChunkCount = chunks.Count }, [.. chunks.Select(Normalized)]);
            if (entry.Chunks.Any(c => c.Vector.Length != entry.Dimensions || c.Vector.Length == 0))
            {
                throw new ArgumentException("Every chunk of a document needs a non-empty vector of the same length.", nameof(documents));
            }
            entries.Add(entry);
        }
        var tenant = entries[0].Document.Tenant;
        if (entries.Any(e => e.Document.Tenant != tenant))
        {
            throw new ArgumentException("A batch upsert stores documents of one tenant.", nameof(documents));
        }

        var slot = _tenants.GetOrAdd(tenant, _ => new TenantSlot());
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var current = slot.Index;
            var replaced = entries.Select(e => e.Document.Id).ToHashSet(StringComparer.Ordinal);
            var dimensions = new Dictionary<CollectionKey, int>();
            foreach (var entry in entries.Where(e => !e.Chunks.IsEmpty))
            {
                // Documents this batch does not replace keep their vectors: a collection of a model has one vector length.
                var other = current.Documents.Values.FirstOrDefault(d =>
                    d.Key == entry.Key && !replaced.Contains(d.Document.Id) && !d.Chunks.IsEmpty && d.Dimensions != entry.Dimensions);
                var expected = other?.Dimensions ?? dimensions.GetValueOrDefault(entry.Key, entry.Dimensions);
                if (expected != entry.Dimensions)
                {
                    throw new ArgumentException(
                        $"Collection '{entry.Document.Collection}' of model {entry.Document.EmbeddingModel} holds {expected}-dimensional vectors, not {entry.Dimensions}.",
                        nameof(documents));
                }
                dimensions[entry.Key] = entry.Dimensions;
            }
            Commit(tenant, slot, current.With(entries, _options));
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
            var next = slot.Index.Without(documentId, _options);
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

    /// <summary>
    /// Disk first, then memory: if the snapshot write fails, readers keep seeing the state a restart would load. Graphs are
    /// saved after the snapshot; they only spare a restart the rebuild, so a graph that fails to save, or is stale after a
    /// crash between the two writes, is built again at load.
    /// </summary>
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
        var previous = slot.Index;
        slot.Index = next;

        foreach (var (key, index) in next.Collections)
        {
            var graphPath = GraphPathFor(tenant, key.Collection, key.EmbeddingModel);
            if (previous.Collections.TryGetValue(key, out var before) && ReferenceEquals(before, index))
            {
                continue;
            }
            try
            {
                if (index.Graph is { } graph && graph.Count >= _options.PersistGraphMinChunks)
                {
                    HnswGraphFile.Write(graphPath, graph, index.KeyOfNode);
                }
                else
                {
                    File.Delete(graphPath);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogGraphNotSaved(_logger, ex, graphPath);
            }
        }
        foreach (var key in previous.Collections.Keys.Where(key => !next.Collections.ContainsKey(key)))
        {
            File.Delete(GraphPathFor(tenant, key.Collection, key.EmbeddingModel));
        }
    }

    private void Load()
    {
        foreach (var temporary in Directory.EnumerateFiles(DirectoryPath, "*" + CheckedFile.TemporaryExtension))
        {
            // A write that never reached its rename: the file beside it is the last complete state.
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
                _tenants[tenant] = new TenantSlot { Index = TenantIndex.From(documents, (key, members) => LoadCollection(tenant, key, members)) };
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

    /// <summary>
    /// Below the threshold, no graph (a saved one is left from a larger state or another configuration, and is removed).
    /// Above it, the saved graph when it matches the snapshot exactly; otherwise the graph is built again (and saved at the next write).
    /// </summary>
    private CollectionIndex LoadCollection(string tenant, CollectionKey key, List<DocumentEntry> members)
    {
        var path = GraphPathFor(tenant, key.Collection, key.EmbeddingModel);
        if (members.Sum(d => d.Chunks.Length) < _options.ApproximateSearchMinChunks)
        {
            DeleteGraphFile(path);
        }
        else if (File.Exists(path))
        {
            try
            {
                var vectors = members
                    .SelectMany(d => d.Chunks.Select((chunk, position) => (Key: CollectionIndex.KeyOf(d, position), chunk.Vector)))
                    .ToDictionary(pair => pair.Key, pair => pair.Vector, StringComparer.Ordinal);
                var (graph, keys) = HnswGraphFile.Read(path, CollectionIndex.Parameters(_options),
                    key => vectors.TryGetValue(key, out var vector) ? vector : null);
                return CollectionIndex.Restore(graph, keys, members, _options);
            }
            catch (InvalidDataException ex)
            {
                LogGraphRebuilt(_logger, ex, path);
            }
        }
        return CollectionIndex.Build(members, _options);
    }

    private void DeleteGraphFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogGraphNotRemoved(_logger, ex, path);
        }
    }

    private static string TenantFileName(string tenant) => Hash(tenant)[..32];

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

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

    [LoggerMessage(LogLevel.Warning, "The search graph {Path} could not be saved; a restart builds it again")]
    private static partial void LogGraphNotSaved(ILogger logger, Exception exception, string path);

    [LoggerMessage(LogLevel.Warning, "The search graph {Path} of a collection below the approximate-search threshold could not be removed")]
    private static partial void LogGraphNotRemoved(ILogger logger, Exception exception, string path);

    [LoggerMessage(LogLevel.Warning, "The search graph {Path} does not match its snapshot and is built again")]
    private static partial void LogGraphRebuilt(ILogger logger, Exception exception, string path);

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

using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using AiAspire.RagService.Stores.Hnsw;

namespace AiAspire.RagService.Stores;

/// <summary>
/// Cosine search in process memory — exact below <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/> chunks per
/// collection (with no graph kept), through an HNSW graph from there on — persisted under <c>{dataPath}/vectors</c> as one
/// snapshot file per tenant (and the large collections' graphs beside it) plus the tenant's write-ahead log. Indexes are per
/// tenant, so no search can reach another tenant's chunks. Writes of a tenant are serialized: each one makes the next index
/// version incrementally (new vectors appended, old ones tombstoned, BM25 postings and statistics updated), appends one
/// record to the log and flushes it, and only then publishes the version, so memory never runs ahead of what a restart would
/// load and readers never see half a write. Reads take no lock (each tenant's index is immutable and swapped whole; graphs
/// and posting lists are shared append-only). When the log passes <see cref="EmbeddedIndexOptions.CompactLogBytes"/> or
/// <see cref="EmbeddedIndexOptions.CompactLogRecords"/>, a background compaction writes a snapshot (crash-safely) and drops
/// the log segments it covers; at start each snapshot is loaded and the later log replayed.
/// </summary>
public sealed partial class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private readonly ConcurrentDictionary<string, TenantSlot> _tenants = new(StringComparer.Ordinal);
    private readonly ILogger<EmbeddedVectorStore> _logger;
    private readonly EmbeddedIndexOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _disposed;

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

    /// <summary>A segment of <paramref name="tenant"/>'s write-ahead log.</summary>
    internal string LogPathFor(string tenant, long sequence) => WriteAheadLog.PathFor(DirectoryPath, TenantFileName(tenant), sequence);

    internal CollectionIndex? CollectionIndexFor(string tenant, string collection, string embeddingModel) =>
        IndexOf(tenant).Collections.GetValueOrDefault(new CollectionKey(collection, embeddingModel));

    public Task UpsertDocumentAsync(StoredDocument document, IReadOnlyList<StoredChunk> chunks, CancellationToken cancellationToken) =>
        UpsertDocumentsAsync([new DocumentUpsert(document, chunks)], cancellationToken);

    /// <summary>One index update per collection and one log record for the whole batch: bulk loads insert incrementally.</summary>
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

        ObjectDisposedException.ThrowIf(_disposed, this);
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
                var expected = current.Collections.TryGetValue(entry.Key, out var collection) && collection.Dimensions != entry.Dimensions
                    && collection.Documents().Any(d => !replaced.Contains(d.Document.Id))
                        ? collection.Dimensions
                        : dimensions.GetValueOrDefault(entry.Key, entry.Dimensions);
                if (expected != entry.Dimensions)
                {
                    throw new ArgumentException(
                        $"Collection '{entry.Document.Collection}' of model {entry.Document.EmbeddingModel} holds {expected}-dimensional vectors, not {entry.Dimensions}.",
                        nameof(documents));
                }
                dimensions[entry.Key] = entry.Dimensions;
            }
            var next = current.With(entries, _options);
            slot.LogFor(DirectoryPath, tenant).AppendUpsert(entries);
            Publish(tenant, slot, next);
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task<bool> DeleteDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ObjectDisposedException.ThrowIf(_disposed, this);
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
            slot.LogFor(DirectoryPath, tenant).AppendDelete(documentId);
            Publish(tenant, slot, next);
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
    /// Writes a snapshot of <paramref name="tenant"/>'s documents now (and its large collections' graphs) and drops the log
    /// segments it covers, as the background compaction does when the log grows past its thresholds.
    /// </summary>
    public async Task CompactAsync(string tenant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_tenants.TryGetValue(tenant, out var slot))
        {
            await CompactCoreAsync(tenant, slot, cancellationToken);
        }
    }

    /// <summary>
    /// Completes when no background graph build of <paramref name="tenant"/> is under way (builds that a swap starts in turn
    /// included): from then on its collections at the threshold search through their graphs.
    /// </summary>
    public async Task WhenGraphsBuiltAsync(string tenant, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        while (_tenants.TryGetValue(tenant, out var slot) && slot.Builds.Values.ToArray() is { Length: > 0 } running)
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Awaited by a background graph build between building and swapping in its graph (tests hold builds there).</summary>
    internal Func<Task>? BeforeGraphSwap { get; set; }

    /// <summary>Stops graph builds and closes the tenants' logs after any compaction under way; every acknowledged write is on disk already.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stopping.Cancel();
        foreach (var slot in _tenants.Values)
        {
            Task.WhenAll(slot.Builds.Values).GetAwaiter().GetResult();
            slot.Background.GetAwaiter().GetResult();
            slot.Gate.Wait();
            try
            {
                slot.Log?.Dispose();
                slot.Log = null;
            }
            finally
            {
                slot.Gate.Release();
            }
        }
        _stopping.Dispose();
    }

    /// <summary>Makes the version that the log now holds visible (under the tenant's gate), and starts a compaction when the log is due one.</summary>
    private void Publish(string tenant, TenantSlot slot, TenantIndex next)
    {
        slot.Index = next;
        StartGraphBuilds(tenant, slot);
        var log = slot.Log!;
        if (log.ActiveBytes >= _options.CompactLogBytes || log.ActiveRecords >= _options.CompactLogRecords)
        {
            StartCompaction(tenant, slot);
        }
    }

    /// <summary>Starts a background compaction unless one is under way (under the tenant's gate).</summary>
    private void StartCompaction(string tenant, TenantSlot slot)
    {
        if (!slot.Background.IsCompleted || _stopping.IsCancellationRequested)
        {
            return;
        }
        slot.Background = Task.Run(async () =>
        {
            try
            {
                await CompactCoreAsync(tenant, slot, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The log still holds every write: nothing is lost, and the next write past the threshold tries again.
                LogCompactionFailed(_logger, ex, SnapshotPathFor(tenant));
            }
        });
    }

    /// <summary>
    /// Seals the log under the tenant's gate (later writes go to a new segment) and takes the version it produced; then,
    /// outside the gate, writes that version as the snapshot (naming the sealed segment), then the graphs of collections that
    /// changed since the last snapshot, then deletes the sealed segments. A crash at any point leaves a snapshot and the
    /// segments after the one it names. Graphs only spare a restart their rebuild, so one that fails to save, or is stale
    /// after a crash, is built again at load.
    /// </summary>
    private async Task CompactCoreAsync(string tenant, TenantSlot slot, CancellationToken cancellationToken)
    {
        await slot.CompactionGate.WaitAsync(cancellationToken);
        try
        {
            TenantIndex index;
            long sequence;
            await slot.Gate.WaitAsync(cancellationToken);
            try
            {
                index = slot.Index;
                sequence = slot.Log?.Seal() ?? slot.LastSequence;
                slot.LastSequence = sequence;
            }
            finally
            {
                slot.Gate.Release();
            }
            // With no write since the last snapshot, only graphs swapped in since then are saved (they match that snapshot).
            var written = sequence != slot.SnapshotSequence;
            var path = SnapshotPathFor(tenant);
            if (written && index.Documents.IsEmpty)
            {
                File.Delete(path);
            }
            else if (written)
            {
                SnapshotFile.Write(path, tenant, index, sequence);
            }
            var previous = slot.Saved;
            foreach (var (key, collection) in index.Collections)
            {
                var graphPath = GraphPathFor(tenant, key.Collection, key.EmbeddingModel);
                if (previous.Collections.TryGetValue(key, out var before) && ReferenceEquals(before, collection))
                {
                    continue;
                }
                try
                {
                    if (collection.Graph is { } graph && collection.GraphView.Count >= _options.PersistGraphMinChunks)
                    {
                        HnswGraphFile.Write(graphPath, graph, collection.GraphView, collection.KeyOfNode);
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
            foreach (var key in previous.Collections.Keys.Where(key => !index.Collections.ContainsKey(key)))
            {
                DeleteGraphFile(GraphPathFor(tenant, key.Collection, key.EmbeddingModel));
            }
            slot.Saved = index;
            slot.SnapshotSequence = sequence;
            if (written)
            {
                DeleteSegmentsThrough(TenantFileName(tenant), sequence);
            }
        }
        finally
        {
            slot.CompactionGate.Release();
        }
    }

    private void DeleteSegmentsThrough(string prefix, long sequence)
    {
        foreach (var (owner, number, path) in WriteAheadLog.Segments(DirectoryPath))
        {
            if (owner == prefix && number <= sequence)
            {
                File.Delete(path);
            }
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

        var segments = WriteAheadLog.Segments(DirectoryPath).GroupBy(s => s.Prefix, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
        var snapshots = Directory.EnumerateFiles(DirectoryPath, "*" + SnapshotFile.Extension)
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path), StringComparer.Ordinal);
        foreach (var prefix in snapshots.Keys.Union(segments.Keys).Order(StringComparer.Ordinal))
        {
            string? tenant = null;
            var snapshotSequence = 0L;
            List<DocumentEntry> documents = [];
            if (snapshots.TryGetValue(prefix, out var path))
            {
                try
                {
                    (tenant, snapshotSequence, documents) = SnapshotFile.Read(path);
                    if (!string.Equals(SnapshotPathFor(tenant), path, StringComparison.Ordinal))
                    {
                        throw new InvalidDataException($"{path} holds tenant data that belongs in {Path.GetFileName(SnapshotPathFor(tenant))}.");
                    }
                }
                catch (InvalidDataException ex)
                {
                    tenant = null;
                    documents = [];
                    var quarantine = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
                    File.Move(path, quarantine, overwrite: true);
                    LogQuarantined(_logger, ex, path, quarantine);
                }
            }

            var records = new List<WriteAheadLog.Record>();
            var lastSequence = snapshotSequence;
            foreach (var (_, sequence, segmentPath) in segments.GetValueOrDefault(prefix) ?? [])
            {
                lastSequence = Math.Max(lastSequence, sequence);
                if (sequence <= snapshotSequence)
                {
                    // Left by a crash between a compaction's snapshot and its clean-up: the snapshot holds these writes.
                    File.Delete(segmentPath);
                    continue;
                }
                var segment = WriteAheadLog.Read(segmentPath, sequence);
                if (segment.ValidBytes < segment.TotalBytes)
                {
                    LogTornTail(_logger, segmentPath, segment.TotalBytes - segment.ValidBytes, segment.Records.Count);
                }
                if (segment.Tenant is null)
                {
                    continue;
                }
                if (!string.Equals(TenantFileName(segment.Tenant), prefix, StringComparison.Ordinal) || (tenant is not null && tenant != segment.Tenant))
                {
                    var quarantine = $"{segmentPath}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmss}";
                    File.Move(segmentPath, quarantine, overwrite: true);
                    LogQuarantined(_logger, new InvalidDataException($"{segmentPath} holds another tenant's writes."), segmentPath, quarantine);
                    continue;
                }
                tenant = segment.Tenant;
                records.AddRange(segment.Records);
            }
            if (tenant is null)
            {
                continue;
            }

            var loaded = TenantIndex.From(documents, (key, members) => LoadCollection(tenant, key, members));
            var index = loaded;
            foreach (var record in records)
            {
                index = record.Upserts is { } upserts ? index.With(upserts, _options) : index.Without(record.DeletedId!, _options);
            }
            _tenants[tenant] = new TenantSlot
            {
                Index = index,
                Saved = loaded,
                LastSequence = lastSequence,
                SnapshotSequence = records.Count == 0 ? lastSequence : snapshotSequence,
            };
            if (records.Count > 0)
            {
                LogReplayed(_logger, records.Count, prefix);
            }
        }
        LogLoaded(_logger, _tenants.Count, _tenants.Values.Sum(s => s.Index.Documents.Count), DirectoryPath);
        foreach (var (tenant, slot) in _tenants)
        {
            slot.Gate.Wait();
            try
            {
                StartGraphBuilds(tenant, slot);
            }
            finally
            {
                slot.Gate.Release();
            }
        }
    }

    /// <summary>
    /// Below the graph's hysteresis line, no graph (a saved one is left from a larger state or another configuration, and is
    /// removed). Above it, the saved graph when it matches the snapshot exactly; otherwise none, and a collection at the
    /// threshold gets its graph built in the background once the store is up (saved at the next compaction).
    /// </summary>
    private CollectionIndex LoadCollection(string tenant, CollectionKey key, List<DocumentEntry> members)
    {
        var path = GraphPathFor(tenant, key.Collection, key.EmbeddingModel);
        if (members.Sum(d => d.Chunks.Length) < _options.ApproximateSearchMinChunks * _options.ExactSearchBelowRatio)
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

    /// <summary>Starts a background graph build for each collection of the tenant that wants one and has none under way (under the tenant's gate).</summary>
    private void StartGraphBuilds(string tenant, TenantSlot slot)
    {
        foreach (var (key, collection) in slot.Index.Collections)
        {
            if (collection.WantsGraph && !_stopping.IsCancellationRequested && !slot.Builds.ContainsKey(key))
            {
                slot.Builds[key] = Task.Run(() => BuildGraphAsync(tenant, slot, key));
            }
        }
    }

    /// <summary>
    /// Builds the collection's graph from the version current when it starts, outside the tenant's gate (writes and exact
    /// searches go on); then, under the gate, applies to it the writes made meanwhile — documents replaced or removed since
    /// become tombstones, new ones are inserted — and swaps it in, unless the collection has since lost its reason for one.
    /// </summary>
    private async Task BuildGraphAsync(string tenant, TenantSlot slot, CollectionKey key)
    {
        try
        {
            var start = slot.Index.Collections.GetValueOrDefault(key);
            var built = start is { WantsGraph: true }
                ? CollectionIndex.Build(start.Documents(), _options, withGraph: true, _stopping.Token)
                : null;
            if (BeforeGraphSwap is { } hook && built is not null)
            {
                await hook();
            }
            await slot.Gate.WaitAsync(_stopping.Token);
            try
            {
                slot.Builds.TryRemove(key, out _);
                var current = slot.Index.Collections.GetValueOrDefault(key);
                if (built is not null && current is not null && ReferenceEquals(current.Graph, start!.Graph) && current.Dimensions == built.Dimensions)
                {
                    var removed = start.Documents().Where(d => !ReferenceEquals(current.DocumentOf(d.Document.Id), d)).Select(d => d.Document.Id).ToList();
                    var added = current.Documents().Where(d => !ReferenceEquals(start.DocumentOf(d.Document.Id), d)).ToList();
                    if (built.Apply(removed, added, current.Documents) is { } next)
                    {
                        slot.Index = slot.Index.WithCollection(key, next);
                        LogGraphSwapped(_logger, next.Count, added.Count, removed.Count);
                        if (next.Graph is not null && next.GraphView.Count >= _options.PersistGraphMinChunks)
                        {
                            // Saved now, so that a restart need not build it again.
                            StartCompaction(tenant, slot);
                        }
                    }
                }
                StartGraphBuilds(tenant, slot);
            }
            finally
            {
                slot.Gate.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            slot.Builds.TryRemove(key, out _);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or OutOfMemoryException)
        {
            // Searches stay exact (or on the old graph); the next write that still wants a graph starts another build.
            slot.Builds.TryRemove(key, out _);
            LogGraphBuildFailed(_logger, ex, key.Collection);
        }
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

    [LoggerMessage(LogLevel.Warning, "Ignored {Bytes} bytes at the end of the log segment {Path} after {Records} intact records: a write a crash interrupted, never acknowledged")]
    private static partial void LogTornTail(ILogger logger, string path, long bytes, int records);

    [LoggerMessage(LogLevel.Warning, "The background compaction of {Path} failed; the log keeps every write and a later write tries again")]
    private static partial void LogCompactionFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(LogLevel.Information, "Replayed {Records} logged writes of the tenant stored as {Prefix}")]
    private static partial void LogReplayed(ILogger logger, int records, string prefix);

    [LoggerMessage(LogLevel.Error, "Building the search graph of collection {Collection} failed; its searches stay as they were")]
    private static partial void LogGraphBuildFailed(ILogger logger, Exception exception, string collection);

    [LoggerMessage(LogLevel.Information, "Swapped in a search graph over {Chunks} chunks, after applying {Added} documents added and {Removed} removed during its build")]
    private static partial void LogGraphSwapped(ILogger logger, int chunks, int added, int removed);

    [LoggerMessage(LogLevel.Information, "Embedded vector store loaded {Tenants} tenants, {Documents} documents from {Directory}")]
    private static partial void LogLoaded(ILogger logger, int tenants, int documents, string directory);

    private sealed class TenantSlot
    {
        private volatile TenantIndex _index = TenantIndex.Empty;

        /// <summary>Serializes the tenant's writes (and a compaction's seal).</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>One compaction at a time.</summary>
        public SemaphoreSlim CompactionGate { get; } = new(1, 1);

        public TenantIndex Index
        {
            get => _index;
            set => _index = value;
        }

        /// <summary>Open for writes from the first one on; null until then (and after a dispose).</summary>
        public WriteAheadLog? Log { get; set; }

        /// <summary>The highest log segment number in use when the log is not open.</summary>
        public long LastSequence { get; set; }

        /// <summary>The last segment the snapshot on disk includes.</summary>
        public long SnapshotSequence { get; set; }

        /// <summary>The version the snapshot (and graph files) on disk hold.</summary>
        public TenantIndex Saved { get; set; } = TenantIndex.Empty;

        /// <summary>Graph builds under way, by collection; changed under <see cref="Gate"/>.</summary>
        public ConcurrentDictionary<CollectionKey, Task> Builds { get; } = new();

        /// <summary>The compaction running in the background, if any.</summary>
        public Task Background { get; set; } = Task.CompletedTask;

        public WriteAheadLog LogFor(string directory, string tenant) =>
            Log ??= new WriteAheadLog(directory, TenantFileName(tenant), tenant, LastSequence);
    }
}

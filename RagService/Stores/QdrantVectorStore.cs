using System.Collections.Concurrent;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using static AiAspire.RagService.Stores.QdrantMapping;

namespace AiAspire.RagService.Stores;

/// <summary>
/// Chunks as Qdrant points over gRPC: one Qdrant collection per embedding model, created on demand with the model's vector
/// size, cosine distance and a BM25 sparse vector (IDF applied by Qdrant), plus payload indexes on tenant (a tenant index),
/// RAG collection, document id, chunk index and metadata. Every request carries the tenant filter built by
/// <see cref="QdrantMapping.TenantFilter"/>. A replaced document's new chunks are written under a new version before the
/// old ones are deleted, so a failure leaves the old document whole, never a mix.
/// </summary>
public sealed partial class QdrantVectorStore : IVectorStore
{
    private const int UpsertBatch = 128;
    private const int ScrollPage = 256;
    private const int MaxScrollPages = 4_000;

    private readonly IQdrantClient _client;
    private readonly ILogger<QdrantVectorStore> _logger;
    private readonly ConcurrentDictionary<string, ulong> _sizes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _creating = new(1, 1);

    public QdrantVectorStore(IQdrantClient client, ILogger<QdrantVectorStore> logger)
    {
        _client = client;
        _logger = logger;
    }

    public async Task UpsertDocumentAsync(StoredDocument document, IReadOnlyList<StoredChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentException.ThrowIfNullOrWhiteSpace(document.Tenant);
        ArgumentException.ThrowIfNullOrEmpty(document.Id);
        if (chunks.Count == 0)
        {
            throw new ArgumentException("Qdrant keeps a document as its chunks: a document needs at least one.", nameof(chunks));
        }
        var dimensions = chunks[0].Vector.Length;
        if (dimensions == 0 || chunks.Any(c => c.Vector.Length != dimensions))
        {
            throw new ArgumentException("Every chunk of a document needs a non-empty vector of the same length.", nameof(chunks));
        }

        var name = CollectionName(document.EmbeddingModel);
        await EnsureCollectionAsync(name, (ulong)dimensions, cancellationToken);
        var version = Guid.NewGuid().ToString("N");
        var stored = document with { ChunkCount = chunks.Count };
        try
        {
            foreach (var batch in chunks.Chunk(UpsertBatch))
            {
                await _client.UpsertAsync(name, [.. batch.Select(chunk => ToPoint(stored, chunk, chunks.Count, version))], wait: true, cancellationToken: cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException)
        {
            // Take back the part of the new version that was written; the previous version was never touched.
            await DeleteQuietlyAsync(name, NewVersion(document, version), CancellationToken.None);
            throw;
        }

        foreach (var collection in await ModelCollectionsAsync(cancellationToken))
        {
            var stale = TenantFilter(document.Tenant, documentId: document.Id);
            stale.MustNot.Add(Conditions.MatchKeyword(QdrantMapping.Version, version));
            await _client.DeleteAsync(collection, stale, wait: true, cancellationToken: cancellationToken);
        }
    }

    public async Task<bool> DeleteDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var found = false;
        foreach (var collection in await ModelCollectionsAsync(cancellationToken))
        {
            var filter = TenantFilter(tenant, documentId: documentId);
            if (await _client.CountAsync(collection, filter, exact: true, cancellationToken: cancellationToken) > 0)
            {
                found = true;
                await _client.DeleteAsync(collection, filter, wait: true, cancellationToken: cancellationToken);
            }
        }
        return found;
    }

    public async Task<StoredDocument?> GetDocumentAsync(string tenant, string documentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        foreach (var collection in await ModelCollectionsAsync(cancellationToken))
        {
            var page = await _client.ScrollAsync(collection, TenantFilter(tenant, documentId: documentId, chunkIndex: 0), limit: 1,
                payloadSelector: true, vectorsSelector: false, cancellationToken: cancellationToken);
            if (page.Result.Count > 0)
            {
                return ToDocument(page.Result[0].Payload);
            }
        }
        return null;
    }

    public async Task<IReadOnlyList<StoredDocument>> ListDocumentsAsync(string tenant, string? collection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var documents = new Dictionary<string, StoredDocument>(StringComparer.Ordinal);
        foreach (var name in await ModelCollectionsAsync(cancellationToken))
        {
            PointId? offset = null;
            for (var page = 0; page < MaxScrollPages; page++)
            {
                var response = await _client.ScrollAsync(name, TenantFilter(tenant, collection, chunkIndex: 0), limit: ScrollPage, offset: offset,
                    payloadSelector: true, vectorsSelector: false, cancellationToken: cancellationToken);
                foreach (var point in response.Result)
                {
                    var document = ToDocument(point.Payload);
                    documents[document.Id] = document;
                }
                offset = response.NextPageOffset;
                if (offset is null)
                {
                    break;
                }
            }
        }
        return [.. documents.Values.OrderBy(d => d.Collection, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)];
    }

    public async Task<long> CountChunksAsync(string tenant, string collection, string embeddingModel, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var name = CollectionName(embeddingModel);
        if (!await ExistsAsync(name, cancellationToken))
        {
            return 0;
        }
        return (long)await _client.CountAsync(name, TenantFilter(tenant, collection), exact: true, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Tenant, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.TopK, 1);
        var name = CollectionName(request.EmbeddingModel);
        if (!await ExistsAsync(name, cancellationToken))
        {
            return [];
        }
        if (_sizes.TryGetValue(name, out var size) && size != (ulong)request.Vector.Length)
        {
            throw new ArgumentException($"The query has {request.Vector.Length} dimensions; the collection {size}.", nameof(request));
        }
        var points = await _client.QueryAsync(name, request.Vector.ToArray(), usingVector: DenseVectorName,
            filter: TenantFilter(request.Tenant, request.Collection, metadata: request.Filter), scoreThreshold: (float)request.MinScore,
            limit: (ulong)request.TopK, payloadSelector: true, vectorsSelector: new[] { DenseVectorName }, cancellationToken: cancellationToken);
        return [.. points.Select(p => new VectorMatch(ToDocument(p.Payload), ToChunk(p.Payload, DenseOf(p.Vectors)), Math.Clamp(p.Score, -1, 1)))];
    }

    public async Task<IReadOnlyList<KeywordMatch>> KeywordSearchAsync(KeywordSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Tenant, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Query, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.TopK, 1);
        var name = CollectionName(request.EmbeddingModel);
        var (values, indices) = SparseTerms.ForQuery(request.Query);
        if (indices.Length == 0 || !await ExistsAsync(name, cancellationToken))
        {
            return [];
        }
        var points = await _client.QueryAsync(name, (values, indices), usingVector: SparseVectorName,
            filter: TenantFilter(request.Tenant, request.Collection, metadata: request.Filter),
            limit: (ulong)request.TopK, payloadSelector: true, vectorsSelector: new[] { DenseVectorName }, cancellationToken: cancellationToken);
        return [.. points.Where(p => p.Score > 0).Select(p => new KeywordMatch(ToDocument(p.Payload), ToChunk(p.Payload, DenseOf(p.Vectors)), p.Score))];
    }

    private static Filter NewVersion(StoredDocument document, string version)
    {
        var filter = TenantFilter(document.Tenant, documentId: document.Id);
        filter.Must.Add(Conditions.MatchKeyword(QdrantMapping.Version, version));
        return filter;
    }

    private async Task DeleteQuietlyAsync(string collection, Filter filter, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(collection, filter, wait: true, cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            // Qdrant is failing now; the orphans carry a version no upsert completed, and the next upsert or delete of this id removes them.
            LogCleanupFailed(_logger, ex, collection);
        }
    }

    private async Task<IReadOnlyList<string>> ModelCollectionsAsync(CancellationToken cancellationToken) =>
        [.. (await _client.ListCollectionsAsync(cancellationToken)).Where(name => name.StartsWith(CollectionPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        if (_sizes.ContainsKey(name))
        {
            return true;
        }
        if (!await _client.CollectionExistsAsync(name, cancellationToken))
        {
            return false;
        }
        _sizes[name] = await SizeOfAsync(name, cancellationToken);
        return true;
    }

    private async Task<ulong> SizeOfAsync(string name, CancellationToken cancellationToken)
    {
        var info = await _client.GetCollectionInfoAsync(name, cancellationToken);
        return info.Config.Params.VectorsConfig.ParamsMap.Map.TryGetValue(DenseVectorName, out var dense)
            ? dense.Size
            : throw new InvalidOperationException($"Qdrant collection {name} has no '{DenseVectorName}' vector; it was not created by this service.");
    }

    private async Task EnsureCollectionAsync(string name, ulong dimensions, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(name, cancellationToken))
        {
            await _creating.WaitAsync(cancellationToken);
            try
            {
                if (!await ExistsAsync(name, cancellationToken))
                {
                    await CreateCollectionAsync(name, dimensions, cancellationToken);
                    _sizes[name] = dimensions;
                }
            }
            finally
            {
                _creating.Release();
            }
        }
        if (_sizes[name] != dimensions)
        {
            throw new ArgumentException($"Qdrant collection {name} holds {_sizes[name]}-dimensional vectors, not {dimensions}.");
        }
    }

    private async Task CreateCollectionAsync(string name, ulong dimensions, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CreateCollectionAsync(name,
                new VectorParamsMap { Map = { [DenseVectorName] = new VectorParams { Size = dimensions, Distance = Distance.Cosine } } },
                sparseVectorsConfig: new SparseVectorConfig { Map = { [SparseVectorName] = new SparseVectorParams { Modifier = Modifier.Idf } } },
                cancellationToken: cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists)
        {
            // Another replica created it first: use theirs (its size is checked by the caller).
            _sizes[name] = await SizeOfAsync(name, cancellationToken);
            return;
        }
        await _client.CreatePayloadIndexAsync(name, Tenant, PayloadSchemaType.Keyword,
            new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } }, cancellationToken: cancellationToken);
        foreach (var field in new[] { Collection, DocumentId, QdrantMapping.Version, MetadataPairs })
        {
            await _client.CreatePayloadIndexAsync(name, field, PayloadSchemaType.Keyword, cancellationToken: cancellationToken);
        }
        await _client.CreatePayloadIndexAsync(name, ChunkIndex, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
        LogCreated(_logger, name, dimensions);
    }

    [LoggerMessage(LogLevel.Information, "Created Qdrant collection {Collection} ({Dimensions} dimensions, cosine, BM25 sparse vectors) with payload indexes")]
    private static partial void LogCreated(ILogger logger, string collection, ulong dimensions);

    [LoggerMessage(LogLevel.Warning, "Could not remove the partly written chunks of a failed upsert from {Collection}; the next upsert of the document removes them")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string collection);
}

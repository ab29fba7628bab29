using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using static Qdrant.Client.Grpc.Conditions;

namespace AiAspire.RagService.Stores;

/// <summary>
/// How chunks become Qdrant points and back. One Qdrant collection per embedding model (vectors of different models never
/// meet); tenant, RAG collection and document id are payload fields with indexes, and every filter starts from the tenant.
/// </summary>
internal static class QdrantMapping
{
    public const string CollectionPrefix = "aiaspire_";
    public const string DenseVectorName = "dense";
    public const string SparseVectorName = "bm25";

    public const string Tenant = "tenant";
    public const string Collection = "collection";
    public const string DocumentId = "doc_id";
    public const string ChunkIndex = "chunk_index";
    public const string Version = "version";
    public const string MetadataPairs = "metadata_pairs";
    private const string ChunkId = "chunk_id";
    private const string Text = "text";
    private const string HeadingPath = "heading_path";
    private const string Start = "start";
    private const string End = "end";
    private const string Source = "source";
    private const string ContentType = "content_type";
    private const string ContentHash = "content_hash";
    private const string EmbeddingModel = "embedding_model";
    private const string ChunkCount = "chunk_count";
    private const string IngestedAt = "ingested_at_ticks";
    private const string Metadata = "metadata";

    /// <summary>Qdrant allows letters, digits, '-' and '_' in collection names; anything else in a model id becomes '_'.</summary>
    public static string CollectionName(string embeddingModel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(embeddingModel);
        var name = new StringBuilder(CollectionPrefix);
        foreach (var c in embeddingModel)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '_');
        }
        return name.ToString();
    }

    /// <summary>Deterministic per (tenant, document, chunk, version): a retried upsert overwrites, a new version never does.</summary>
    public static Guid PointId(string tenant, string documentId, int chunkIndex, string version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\n{documentId}\n{chunkIndex.ToString(CultureInfo.InvariantCulture)}\n{version}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>Every filter a store sends: the tenant always, then the optional narrowing conditions.</summary>
    public static Filter TenantFilter(
        string tenant, string? collection = null, string? documentId = null, IReadOnlyDictionary<string, string>? metadata = null, int? chunkIndex = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        var filter = new Filter();
        filter.Must.Add(MatchKeyword(Tenant, tenant));
        if (collection is not null)
        {
            filter.Must.Add(MatchKeyword(Collection, collection));
        }
        if (documentId is not null)
        {
            filter.Must.Add(MatchKeyword(DocumentId, documentId));
        }
        if (chunkIndex is { } index)
        {
            filter.Must.Add(Match(ChunkIndex, index));
        }
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            filter.Must.Add(MatchKeyword(MetadataPairs, MetadataPair(key, value)));
        }
        return filter;
    }

    /// <summary>One metadata pair as one keyword, length-prefixed so that no key or value can imitate another pair.</summary>
    public static string MetadataPair(string key, string value) => $"{key.Length.ToString(CultureInfo.InvariantCulture)}:{key}={value}";

    public static PointStruct ToPoint(StoredDocument document, StoredChunk chunk, int chunkCount, string version)
    {
        var (values, indices) = SparseTerms.ForDocument(chunk.HeadingPath is null ? chunk.Text : chunk.HeadingPath + "\n" + chunk.Text);
        var point = new PointStruct
        {
            Id = PointId(document.Tenant, document.Id, chunk.Index, version),
            Vectors = new Dictionary<string, Vector>
            {
                [DenseVectorName] = chunk.Vector.ToArray(),
                [SparseVectorName] = (values, indices),
            },
        };
        var payload = point.Payload;
        payload[Tenant] = document.Tenant;
        payload[Collection] = document.Collection;
        payload[DocumentId] = document.Id;
        payload[Version] = version;
        payload[ChunkId] = chunk.ChunkId;
        payload[ChunkIndex] = chunk.Index;
        payload[Text] = chunk.Text;
        if (chunk.HeadingPath is not null)
        {
            payload[HeadingPath] = chunk.HeadingPath;
        }
        payload[Start] = chunk.Start;
        payload[End] = chunk.End;
        payload[Source] = document.Source;
        payload[ContentType] = document.ContentType;
        payload[ContentHash] = document.ContentHash;
        payload[EmbeddingModel] = document.EmbeddingModel;
        payload[ChunkCount] = chunkCount;
        payload[IngestedAt] = document.IngestedAt.UtcTicks;
        if (document.Metadata is not null)
        {
            payload[Metadata] = document.Metadata.ToDictionary(pair => pair.Key, pair => (Value)pair.Value);
            payload[MetadataPairs] = document.Metadata.Select(pair => MetadataPair(pair.Key, pair.Value)).ToArray();
        }
        return point;
    }

    public static StoredDocument ToDocument(MapField<string, Value> payload)
    {
        Dictionary<string, string>? metadata = null;
        if (payload.TryGetValue(Metadata, out var value) && value.KindCase == Value.KindOneofCase.StructValue)
        {
            metadata = value.StructValue.Fields.ToDictionary(pair => pair.Key, pair => pair.Value.StringValue, StringComparer.Ordinal);
        }
        return new StoredDocument(
            String(payload, Tenant), String(payload, DocumentId), String(payload, Collection), String(payload, Source),
            String(payload, ContentType), String(payload, ContentHash), String(payload, EmbeddingModel),
            (int)Integer(payload, ChunkCount), new DateTimeOffset(Integer(payload, IngestedAt), TimeSpan.Zero), metadata);
    }

    public static StoredChunk ToChunk(MapField<string, Value> payload, ReadOnlyMemory<float> vector) => new(
        String(payload, ChunkId),
        (int)Integer(payload, ChunkIndex),
        String(payload, Text),
        payload.TryGetValue(HeadingPath, out var heading) ? heading.StringValue : null,
        (int)Integer(payload, Start),
        (int)Integer(payload, End),
        vector);

    /// <summary>The dense vector of a point returned with vectors, or empty when it came without.</summary>
    public static float[] DenseOf(VectorsOutput? vectors) =>
        vectors?.Vectors?.Vectors is { } named && named.TryGetValue(DenseVectorName, out var dense) && dense.Dense is { } data
            ? [.. data.Data]
            : [];

    private static string String(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.StringValue
            ? value.StringValue
            : throw new InvalidDataException($"A Qdrant point lacks the string payload field '{key}'.");

    private static long Integer(MapField<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Value.KindOneofCase.IntegerValue
            ? value.IntegerValue
            : throw new InvalidDataException($"A Qdrant point lacks the integer payload field '{key}'.");
}

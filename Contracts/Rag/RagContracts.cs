namespace AiAspire.Contracts.Rag;

/// <summary><c>POST /api/documents</c> (JSON): the tenant travels in the <see cref="AiAspireHeaders.Tenant"/> header.</summary>
/// <param name="ContentType">"text" or "markdown"; inferred from <paramref name="Source"/> when omitted.</param>
public sealed record IngestDocumentRequest(
    string? Text,
    string? Id = null,
    string? Collection = null,
    string? Source = null,
    string? ContentType = null,
    Dictionary<string, string>? Metadata = null);

/// <param name="Status">"created", "replaced" or "unchanged".</param>
public sealed record IngestDocumentResponse(string Id, string Collection, int Chunks, string Status, string ContentHash);

public sealed record DocumentInfo(
    string Id,
    string Collection,
    string Source,
    int Chunks,
    string ContentHash,
    DateTimeOffset IngestedAt,
    Dictionary<string, string>? Metadata);

/// <summary><c>POST /v1/retrieve</c>.</summary>
/// <param name="MinScore">The least cosine similarity between the query and a returned chunk.</param>
/// <param name="Filter">Metadata every returned chunk's document must have (equality on each pair).</param>
/// <param name="Mode">"hybrid" (default: vector and BM25 keyword search fused by reciprocal rank), "vector" or "keyword".</param>
/// <param name="MmrLambda">When set, re-ranks by maximal marginal relevance: 1 is pure relevance, 0 pure diversity.</param>
public sealed record RetrieveRequest(
    string? Query,
    string? Collection = null,
    int? TopK = null,
    double? MinScore = null,
    Dictionary<string, string>? Filter = null,
    string? Mode = null,
    double? MmrLambda = null);

public sealed record RetrieveResponse(IReadOnlyList<RetrievedChunk> Chunks, string EmbeddingModel);

/// <param name="Score">Cosine similarity between the query and the chunk; results are ordered by <paramref name="FusedScore"/> in hybrid mode.</param>
/// <param name="Start">Offset of the chunk's first character in the document text, for citations.</param>
/// <param name="End">Offset just past the chunk's last character: <paramref name="Text"/> is the document's [Start, End).</param>
/// <param name="KeywordScore">The BM25 score, when keyword search found the chunk.</param>
/// <param name="FusedScore">The reciprocal rank fusion score (hybrid mode only).</param>
public sealed record RetrievedChunk(
    string DocId,
    string ChunkId,
    string Text,
    double Score,
    string Source,
    string? HeadingPath,
    int Start = 0,
    int End = 0,
    double? KeywordScore = null,
    double? FusedScore = null);

/// <summary><c>POST /api/documents</c> as a multipart upload of several files: one result per file, in upload order.</summary>
public sealed record IngestBatchResponse(IReadOnlyList<IngestDocumentResponse> Documents);

/// <summary><c>GET /api/ingestions/{id}</c>: a background ingestion of a large upload and its progress.</summary>
/// <param name="Status">"queued", "running", "succeeded" or "failed".</param>
/// <param name="Documents">The documents stored so far, in upload order; each is whole (all its chunks or none).</param>
public sealed record IngestionJobResponse(
    string Id,
    string Status,
    int Total,
    int Completed,
    IReadOnlyList<IngestDocumentResponse> Documents,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);

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
public sealed record RetrieveRequest(string? Query, string? Collection = null, int? TopK = null, double? MinScore = null);

public sealed record RetrieveResponse(IReadOnlyList<RetrievedChunk> Chunks, string EmbeddingModel);

public sealed record RetrievedChunk(string DocId, string ChunkId, string Text, double Score, string Source, string? HeadingPath);

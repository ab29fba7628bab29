using System.Diagnostics;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Documents;

/// <summary>
/// Chunk, embed, store — idempotently: the same document again (same text, collection, source, type, metadata and
/// embedding model) is answered "unchanged" without embedding anything; any difference replaces all its chunks.
/// </summary>
public sealed partial class DocumentIngestor
{
    private readonly IDocumentChunker _chunker;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly IVectorStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<DocumentIngestor> _logger;
    private readonly string _model;
    // Concurrent ingestions of one document would both embed and race to store: take turns per (tenant, id).
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    public DocumentIngestor(
        IDocumentChunker chunker,
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IVectorStore store,
        TimeProvider time,
        ILogger<DocumentIngestor> logger)
    {
        _chunker = chunker;
        _generator = generator;
        _store = store;
        _time = time;
        _logger = logger;
        _model = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId
            ?? throw new InvalidOperationException("The embedding generator does not name its model.");
    }

    public async Task<IngestDocumentResponse> IngestAsync(string tenant, DocumentToIngest document, CancellationToken cancellationToken)
    {
        using var activity = RagTelemetry.ActivitySource.StartActivity("rag ingest");
        activity?.SetTag("aiaspire.tenant", tenant);
        activity?.SetTag("aiaspire.rag.collection", document.Collection);
        activity?.SetTag("aiaspire.rag.document.id", document.Id);
        activity?.SetTag("aiaspire.rag.document.chars", document.Text.Length);

        var stripe = _stripes[(uint)HashCode.Combine(tenant, document.Id) % _stripes.Length];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            var existing = await _store.GetDocumentAsync(tenant, document.Id, cancellationToken);
            if (existing is not null && IsSame(existing, document))
            {
                return Done(new IngestDocumentResponse(document.Id, document.Collection, existing.ChunkCount, IngestStatus.Unchanged, document.ContentHash));
            }

            var chunks = _chunker.Chunk(document.Text, document.ContentType, document.Source);
            if (chunks.Count == 0)
            {
                // Markdown made only of headings: index the headings themselves rather than nothing.
                chunks = _chunker.Chunk(document.Text, DocumentContentType.Text, document.Source);
            }
            var embeddings = await _generator.GenerateAsync(chunks.Select(EmbeddingInput), cancellationToken: cancellationToken);
            var stored = chunks.Select((chunk, i) => new StoredChunk(
                $"{document.Id}#{chunk.Index}", chunk.Index, chunk.Text, chunk.HeadingPath, chunk.Start, chunk.End, embeddings[i].Vector)).ToList();

            await _store.UpsertDocumentAsync(new StoredDocument(
                tenant, document.Id, document.Collection, document.Source, ContentTypeName(document.ContentType), document.ContentHash,
                _model, stored.Count, _time.GetUtcNow(), document.Metadata), stored, cancellationToken);

            var status = existing is null ? IngestStatus.Created : IngestStatus.Replaced;
            LogIngested(_logger, document.Id, tenant, document.Collection, stored.Count, status);
            return Done(new IngestDocumentResponse(document.Id, document.Collection, stored.Count, status, document.ContentHash));
        }
        finally
        {
            stripe.Release();
        }

        IngestDocumentResponse Done(IngestDocumentResponse response)
        {
            activity?.SetTag("aiaspire.rag.chunks", response.Chunks);
            activity?.SetTag("aiaspire.rag.ingest.status", response.Status);
            RagTelemetry.Ingestions.Add(1, new KeyValuePair<string, object?>("aiaspire.rag.ingest.status", response.Status));
            return response;
        }
    }

    public static string ContentTypeName(DocumentContentType contentType) => contentType switch
    {
        DocumentContentType.Markdown => "markdown",
        _ => "text",
    };

    /// <summary>The heading path goes in front of the text, so a chunk is found by what its section is about.</summary>
    internal static string EmbeddingInput(TextChunk chunk) =>
        chunk.HeadingPath is null ? chunk.Text : chunk.HeadingPath + "\n\n" + chunk.Text;

    private bool IsSame(StoredDocument existing, DocumentToIngest document) =>
        existing.ContentHash == document.ContentHash
        && existing.Collection == document.Collection
        && existing.Source == document.Source
        && existing.ContentType == ContentTypeName(document.ContentType)
        && existing.EmbeddingModel == _model
        && SameMetadata(existing.Metadata, document.Metadata);

    private static bool SameMetadata(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0)
        && (a is null || a.All(pair => b is not null && b.TryGetValue(pair.Key, out var value) && value == pair.Value));

    [LoggerMessage(LogLevel.Information, "Ingested document {DocumentId} of tenant {Tenant} into {Collection}: {Chunks} chunks, {Status}")]
    private static partial void LogIngested(ILogger logger, string documentId, string tenant, string collection, int chunks, string status);
}

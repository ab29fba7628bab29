using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Stores;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RagService.Documents;

/// <summary>The tenant's documents: ingest, list, read, delete. The tenant is the gateway's header, never the body.</summary>
public static class DocumentsApi
{
    private const int MaxSourceChars = 1_024;
    private const long MaxRequestBytes = 50 * 1024 * 1024;

    public static RouteGroupBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/documents").RequireTenant().WithTags("Documents");
        // The gateway's documents route accepts 50 MB (its MaxRequestBodySize metadata); Kestrel's default 30 MB here would
        // drop bigger uploads mid-body and the gateway would answer 502 instead of storing them or refusing them with 413.
        api.MapPost("/", IngestDocument).WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxRequestBytes));
        api.MapGet("/", ListDocuments);
        api.MapGet("/{id}", GetDocument);
        api.MapDelete("/{id}", DeleteDocument);
        return api;
    }

    public static async Task<Results<Created<IngestDocumentResponse>, Ok<IngestDocumentResponse>, Ok<IngestBatchResponse>, Accepted<IngestionJobResponse>, ProblemHttpResult>> IngestDocument(
        HttpContext context, [AsParameters] DocumentServices services, CancellationToken cancellationToken)
    {
        if (context.Request.HasFormContentType)
        {
            return await IngestUpload(context, services, cancellationToken);
        }
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.IngestDocumentRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var (document, invalid) = Validate(request!, services.Options.CurrentValue);
        if (invalid is not null)
        {
            return invalid;
        }

        var response = await services.Ingestor.IngestAsync(context.GetTenant(), document!, cancellationToken);
        return response.Status == IngestStatus.Created
            ? TypedResults.Created($"/api/documents/{response.Id}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<IReadOnlyList<DocumentInfo>>, ProblemHttpResult>> ListDocuments(
        HttpContext context, string? collection, [AsParameters] DocumentServices services, CancellationToken cancellationToken)
    {
        if (collection is not null && !Identifiers.IsValid(collection))
        {
            return JsonBody.Validation($"'collection' must be {Identifiers.Rule}.");
        }
        var documents = await services.Store.ListDocumentsAsync(context.GetTenant(), collection, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DocumentInfo>>(documents.Select(ToInfo).ToList());
    }

    public static async Task<Results<Ok<DocumentInfo>, ProblemHttpResult>> GetDocument(
        HttpContext context, string id, [AsParameters] DocumentServices services, CancellationToken cancellationToken)
    {
        var document = Identifiers.IsValid(id) ? await services.Store.GetDocumentAsync(context.GetTenant(), id, cancellationToken) : null;
        return document is null ? NotFound(id) : TypedResults.Ok(ToInfo(document));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteDocument(
        HttpContext context, string id, [AsParameters] DocumentServices services, CancellationToken cancellationToken)
    {
        var deleted = Identifiers.IsValid(id) && await services.Store.DeleteDocumentAsync(context.GetTenant(), id, cancellationToken);
        return deleted ? TypedResults.NoContent() : NotFound(id);
    }

    /// <summary>
    /// A multipart upload: one or more files (.txt, .md, .html, .pdf, .json) plus optional form fields <c>collection</c>,
    /// <c>metadata</c> (a JSON object of strings, applied to every file) and <c>id</c> (one file only). Every file is read
    /// and checked before any is stored, so an unsupported (415), unreadable (400) or oversized (413) file stores nothing.
    /// Large uploads (see <see cref="IngestionOptions.BackgroundThresholdFiles"/>) are answered 202 with a job to poll at
    /// <c>/api/ingestions/{id}</c>.
    /// </summary>
    private static async Task<Results<Created<IngestDocumentResponse>, Ok<IngestDocumentResponse>, Ok<IngestBatchResponse>, Accepted<IngestionJobResponse>, ProblemHttpResult>> IngestUpload(
        HttpContext context, DocumentServices services, CancellationToken cancellationToken)
    {
        var options = services.Options.CurrentValue;
        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge("The upload is too large.");
        }
        catch (InvalidDataException ex)
        {
            return JsonBody.Validation($"The multipart body is malformed or exceeds a limit: {ex.Message}");
        }
        catch (IOException)
        {
            return JsonBody.Validation("The multipart body ended early.");
        }

        if (form.Files.Count == 0)
        {
            return JsonBody.Validation("A multipart upload needs at least one file part.");
        }
        if (form.Files.Count > options.MaxUploadFiles)
        {
            return JsonBody.Validation($"At most {options.MaxUploadFiles} files per upload.");
        }
        var collection = form["collection"].Count == 0 ? Identifiers.DefaultCollection : form["collection"].ToString();
        if (!Identifiers.IsValid(collection))
        {
            return JsonBody.Validation($"'collection' must be {Identifiers.Rule}.");
        }
        var id = form["id"].Count == 0 ? null : form["id"].ToString();
        if (id is not null && (!Identifiers.IsValid(id) || form.Files.Count != 1))
        {
            return JsonBody.Validation($"'id' must be {Identifiers.Rule}, and names a document only in an upload of one file.");
        }
        Dictionary<string, string>? metadata = null;
        if (form["metadata"].Count > 0)
        {
            try
            {
                metadata = JsonSerializer.Deserialize(form["metadata"].ToString(), DocumentsJsonContext.Default.DictionaryStringString);
            }
            catch (JsonException)
            {
                return JsonBody.Validation("'metadata' must be a JSON object of string values.");
            }
            if (InvalidMetadata(metadata, options) is { } invalidMetadata)
            {
                return invalidMetadata;
            }
        }

        var documents = new List<DocumentToIngest>(form.Files.Count);
        foreach (var file in form.Files)
        {
            var name = Path.GetFileName(file.FileName);
            if (name.Any(char.IsControl))
            {
                // The name becomes the document's source, shown in citations and logs: control characters are refused, not stored.
                return JsonBody.Validation("A file name must not contain control characters. Nothing was ingested.");
            }
            if (!DocumentTextExtractor.IsSupported(name))
            {
                return TypedResults.Problem(
                    $"'{name}' is not a supported file type; use one of {string.Join(", ", DocumentTextExtractor.SupportedExtensions)}. Nothing was ingested.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported file type", type: ProblemTypes.UnsupportedMediaType);
            }
            if (file.Length > options.MaxUploadBytes)
            {
                return TooLarge($"'{name}' has {file.Length} bytes; at most {options.MaxUploadBytes} per file. Nothing was ingested.");
            }
            ExtractedDocument extracted;
            try
            {
                using var buffer = new MemoryStream((int)file.Length);
                await file.CopyToAsync(buffer, cancellationToken);
                extracted = DocumentTextExtractor.Extract(name, buffer.ToArray());
            }
            catch (DocumentExtractionException ex)
            {
                return JsonBody.Validation($"'{name}': {ex.Message} Nothing was ingested.");
            }
            if (string.IsNullOrWhiteSpace(extracted.Text))
            {
                return JsonBody.Validation($"'{name}' holds no text. Nothing was ingested.");
            }
            if (extracted.Text.Length > options.MaxDocumentChars)
            {
                return TooLarge($"'{name}' has {extracted.Text.Length} characters of text; at most {options.MaxDocumentChars} per document. Nothing was ingested.");
            }
            documents.Add(Prepare(extracted.Text, id, collection, name.Length > MaxSourceChars ? name[..MaxSourceChars] : name, extracted.ContentType, metadata));
        }

        var tenant = context.GetTenant();
        if (documents.Count > options.BackgroundThresholdFiles || documents.Sum(d => (long)d.Text.Length) > options.BackgroundThresholdChars)
        {
            if (await services.Queue.TryEnqueueAsync(tenant, documents, cancellationToken) is not { } job)
            {
                context.Response.Headers.RetryAfter = "30";
                return TypedResults.Problem("Too many ingestions are queued; retry later. Nothing was ingested.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy", type: ProblemTypes.Unavailable);
            }
            return TypedResults.Accepted($"/api/ingestions/{job.Id}", job.Snapshot());
        }
        var results = new List<IngestDocumentResponse>(documents.Count);
        foreach (var document in documents)
        {
            results.Add(await services.Ingestor.IngestAsync(tenant, document, cancellationToken));
        }
        if (results.Count > 1)
        {
            return TypedResults.Ok(new IngestBatchResponse(results));
        }
        return results[0].Status == IngestStatus.Created
            ? TypedResults.Created($"/api/documents/{results[0].Id}", results[0])
            : TypedResults.Ok(results[0]);
    }

    private static (DocumentToIngest? Document, ProblemHttpResult? Problem) Validate(IngestDocumentRequest request, IngestionOptions options)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return (null, JsonBody.Validation("'text' is required and must not be blank."));
        }
        if (request.Text.Length > options.MaxDocumentChars)
        {
            return (null, TooLarge($"'text' has {request.Text.Length} characters; at most {options.MaxDocumentChars} per document."));
        }
        var collection = request.Collection ?? Identifiers.DefaultCollection;
        if (!Identifiers.IsValid(collection))
        {
            return (null, JsonBody.Validation($"'collection' must be {Identifiers.Rule}."));
        }
        if (request.Id is not null && !Identifiers.IsValid(request.Id))
        {
            return (null, JsonBody.Validation($"'id' must be {Identifiers.Rule}."));
        }
        if (request.Source is { Length: > MaxSourceChars })
        {
            return (null, JsonBody.Validation($"'source' must be at most {MaxSourceChars} characters."));
        }
        if (InvalidMetadata(request.Metadata, options) is { } invalidMetadata)
        {
            return (null, invalidMetadata);
        }

        DocumentContentType contentType;
        switch (request.ContentType?.Trim().ToLowerInvariant())
        {
            case null or "":
                contentType = request.Source is { } source
                    && (source.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase))
                    ? DocumentContentType.Markdown
                    : DocumentContentType.Text;
                break;
            case "text" or "text/plain":
                contentType = DocumentContentType.Text;
                break;
            case "markdown" or "text/markdown":
                contentType = DocumentContentType.Markdown;
                break;
            default:
                return (null, JsonBody.Validation($"'contentType' must be \"text\" or \"markdown\", not \"{request.ContentType}\"."));
        }

        return (Prepare(request.Text, request.Id, collection, request.Source, contentType, request.Metadata), null);
    }

    private static DocumentToIngest Prepare(
        string text, string? id, string collection, string? source, DocumentContentType contentType, IReadOnlyDictionary<string, string>? metadata)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        // Without an id, the same text in the same collection is the same document, so a retry is "unchanged".
        id ??= "doc-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(collection + "\n" + hash)))[..24];
        return new DocumentToIngest(id, collection, source ?? id, contentType, text, hash, metadata);
    }

    private static ProblemHttpResult? InvalidMetadata(IReadOnlyDictionary<string, string>? metadata, IngestionOptions options) =>
        metadata is not null && (metadata.Count > options.MaxMetadataEntries
            || metadata.Any(pair => pair.Key.Length is 0 or > 128 || pair.Value is null || pair.Value.Length > options.MaxMetadataValueChars))
            ? JsonBody.Validation(
                $"'metadata' holds at most {options.MaxMetadataEntries} entries with keys of 1-128 characters and string values of at most {options.MaxMetadataValueChars}.")
            : null;

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Document too large", type: ProblemTypes.PayloadTooLarge);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No document '{id}' in this tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found", type: ProblemTypes.NotFound);

    private static DocumentInfo ToInfo(StoredDocument document) => new(
        document.Id,
        document.Collection,
        document.Source,
        document.ChunkCount,
        document.ContentHash,
        document.IngestedAt,
        document.Metadata is null ? null : new Dictionary<string, string>(document.Metadata));
}

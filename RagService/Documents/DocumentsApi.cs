using System.Security.Cryptography;
using System.Text;
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

    public static RouteGroupBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/documents").RequireTenant().WithTags("Documents");
        api.MapPost("/", IngestDocument);
        api.MapGet("/", ListDocuments);
        api.MapGet("/{id}", GetDocument);
        api.MapDelete("/{id}", DeleteDocument);
        return api;
    }

    public static async Task<Results<Created<IngestDocumentResponse>, Ok<IngestDocumentResponse>, ProblemHttpResult>> IngestDocument(
        HttpContext context, [AsParameters] DocumentServices services, CancellationToken cancellationToken)
    {
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

    private static (DocumentToIngest? Document, ProblemHttpResult? Problem) Validate(IngestDocumentRequest request, IngestionOptions options)
    {
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return (null, JsonBody.Validation("'text' is required and must not be blank."));
        }
        if (request.Text.Length > options.MaxDocumentChars)
        {
            return (null, TypedResults.Problem(
                $"'text' has {request.Text.Length} characters; at most {options.MaxDocumentChars} per document.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Document too large", type: ProblemTypes.PayloadTooLarge));
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
        if (request.Metadata is { } metadata && (metadata.Count > options.MaxMetadataEntries
            || metadata.Any(pair => pair.Key.Length is 0 or > 128 || pair.Value is null || pair.Value.Length > options.MaxMetadataValueChars)))
        {
            return (null, JsonBody.Validation(
                $"'metadata' holds at most {options.MaxMetadataEntries} entries with keys of 1-128 characters and string values of at most {options.MaxMetadataValueChars}."));
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

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Text)));
        // Without an id, the same text in the same collection is the same document, so a retry is "unchanged".
        var id = request.Id ?? "doc-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(collection + "\n" + hash)))[..24];
        return (new DocumentToIngest(id, collection, request.Source ?? id, contentType, request.Text, hash, request.Metadata), null);
    }

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

using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Documents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RagService.Retrieval;

/// <summary><c>POST /v1/retrieve</c>: the chunks of the tenant's documents that best answer a query, hybrid by default.</summary>
public static class RetrievalApi
{
    public const int DefaultTopK = 5;
    public const int MaxTopK = 50;
    public const int MaxQueryChars = 8_192;
    public const int MaxFilterPairs = 16;
    public const int MaxFilterChars = 256;

    public static RouteGroupBuilder MapRetrievalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireTenant().WithTags("Retrieval");
        api.MapPost("/retrieve", Retrieve);
        return api;
    }

    public static async Task<Results<Ok<RetrieveResponse>, ProblemHttpResult>> Retrieve(
        HttpContext context, Retriever retriever, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.RetrieveRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (string.IsNullOrWhiteSpace(request!.Query))
        {
            return JsonBody.Validation("'query' is required and must not be blank.");
        }
        if (request.Query.Length > MaxQueryChars)
        {
            return JsonBody.Validation($"'query' must be at most {MaxQueryChars} characters.");
        }
        var collection = request.Collection ?? Identifiers.DefaultCollection;
        if (!Identifiers.IsValid(collection))
        {
            return JsonBody.Validation($"'collection' must be {Identifiers.Rule}.");
        }
        var topK = request.TopK ?? DefaultTopK;
        if (topK is < 1 or > MaxTopK)
        {
            return JsonBody.Validation($"'topK' must be between 1 and {MaxTopK}.");
        }
        var minScore = request.MinScore ?? 0;
        if (minScore is < -1 or > 1 || double.IsNaN(minScore))
        {
            return JsonBody.Validation("'minScore' is a cosine similarity between -1 and 1.");
        }

        if (request.Filter is { } filter
            && (filter.Count > MaxFilterPairs || filter.Any(pair => pair.Key.Length is 0 or > MaxFilterChars || pair.Value is null || pair.Value.Length > MaxFilterChars)))
        {
            return JsonBody.Validation($"'filter' holds at most {MaxFilterPairs} metadata pairs, with non-empty keys and non-null values of at most {MaxFilterChars} characters.");
        }
        RetrievalMode? mode = request.Mode switch
        {
            null or "hybrid" => RetrievalMode.Hybrid,
            "vector" => RetrievalMode.Vector,
            "keyword" => RetrievalMode.Keyword,
            _ => null,
        };
        if (mode is null)
        {
            return JsonBody.Validation("'mode' is \"hybrid\", \"vector\" or \"keyword\".");
        }
        if (request.MmrLambda is { } lambda && (lambda is < 0 or > 1 || double.IsNaN(lambda)))
        {
            return JsonBody.Validation("'mmrLambda' lies between 0 (most diverse) and 1 (most relevant).");
        }

        return TypedResults.Ok(await retriever.RetrieveAsync(
            new RetrievalQuery(context.GetTenant(), collection, request.Query, topK, minScore, request.Filter, mode.Value, request.MmrLambda), cancellationToken));
    }
}

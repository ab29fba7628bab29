using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.RagService.Documents;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RagService.Retrieval;

/// <summary><c>POST /v1/retrieve</c>: the chunks of the tenant's documents nearest to a query.</summary>
public static class RetrievalApi
{
    public const int DefaultTopK = 5;
    public const int MaxTopK = 50;
    public const int MaxQueryChars = 8_192;

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

        return TypedResults.Ok(await retriever.RetrieveAsync(context.GetTenant(), collection, request.Query, topK, minScore, cancellationToken));
    }
}

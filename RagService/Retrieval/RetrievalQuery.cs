namespace AiAspire.RagService.Retrieval;

/// <summary>What <see cref="Retriever"/> searches for; validated by the caller (<see cref="RetrievalApi"/>).</summary>
/// <param name="MinScore">The least cosine similarity between the query and a returned chunk, in every mode.</param>
/// <param name="Filter">Metadata pairs every returned chunk's document must have.</param>
/// <param name="MmrLambda">Null: no diversity re-ranking; else the maximal-marginal-relevance trade-off in [0, 1].</param>
public sealed record RetrievalQuery(
    string Tenant,
    string Collection,
    string Query,
    int TopK,
    double MinScore = 0,
    IReadOnlyDictionary<string, string>? Filter = null,
    RetrievalMode Mode = RetrievalMode.Hybrid,
    double? MmrLambda = null);

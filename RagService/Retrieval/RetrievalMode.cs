namespace AiAspire.RagService.Retrieval;

public enum RetrievalMode
{
    /// <summary>Vector and BM25 keyword search fused by reciprocal rank.</summary>
    Hybrid,
    Vector,
    Keyword,
}

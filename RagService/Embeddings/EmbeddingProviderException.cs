namespace AiAspire.RagService.Embeddings;

/// <summary>The remote embedding provider failed (after its retries); the request gets 502 and nothing is stored.</summary>
public sealed class EmbeddingProviderException(string message, int? status, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The provider's last HTTP status, when it answered at all.</summary>
    public int? Status { get; } = status;
}

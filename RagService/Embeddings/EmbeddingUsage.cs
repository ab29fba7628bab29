namespace AiAspire.RagService.Embeddings;

public sealed record EmbeddingUsage(long PromptTokens, long TotalTokens);

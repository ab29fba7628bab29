namespace AiAspire.Contracts.OpenAI;

/// <summary>OpenAI <c>POST /v1/embeddings</c> with one input text, as the orchestrator asks it.</summary>
public sealed record EmbeddingsRequest(string Input, string? Model = null);

/// <summary>OpenAI <c>POST /v1/embeddings</c> response, float encoding.</summary>
public sealed record EmbeddingsResponse(IReadOnlyList<EmbeddingItem> Data, string? Model);

public sealed record EmbeddingItem(int Index, float[] Embedding);

namespace AiAspire.Contracts.OpenAI;

public sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChunkChoice> Choices,
    CompletionUsage? Usage = null);

public sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason);

public sealed record ChunkDelta(string? Role, string? Content);

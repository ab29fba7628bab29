namespace AiAspire.Contracts.OpenAI;

public sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChunkChoice> Choices,
    CompletionUsage? Usage = null);

public sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason);

public sealed record ChunkDelta(string? Role, string? Content, IReadOnlyList<ChunkToolCall>? ToolCalls = null);

/// <summary>A tool call in a streamed delta; <see cref="Index"/> ties together the fragments of one call.</summary>
public sealed record ChunkToolCall(int Index, string? Id, string? Type, FunctionCall? Function);

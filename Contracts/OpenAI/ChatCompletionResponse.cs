namespace AiAspire.Contracts.OpenAI;

public sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChoice> Choices,
    CompletionUsage Usage);

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason);

public sealed record AssistantMessage(string Role, string? Content);

public sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

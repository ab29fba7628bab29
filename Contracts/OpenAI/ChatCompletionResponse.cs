namespace AiAspire.Contracts.OpenAI;

public sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChoice> Choices,
    CompletionUsage Usage);

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason);

/// <param name="Content">The answer; null when the model only asks for tool calls.</param>
public sealed record AssistantMessage(string Role, string? Content, IReadOnlyList<ToolCallMessage>? ToolCalls = null);

/// <summary>OpenAI <c>tool_calls[]</c> item: <c>{id, type: "function", function: {name, arguments}}</c>.</summary>
public sealed record ToolCallMessage(string Id, string Type, FunctionCall Function);

/// <summary><see cref="Arguments"/> is a JSON text, as OpenAI sends it.</summary>
public sealed record FunctionCall(string? Name, string? Arguments);

public sealed record CompletionUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

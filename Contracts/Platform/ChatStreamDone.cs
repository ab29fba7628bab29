namespace AiAspire.Contracts.Platform;

/// <summary>
/// <c>event: done</c>, the last event of a streamed <c>POST /api/chat</c> that succeeded: what a web UI shows beside
/// the answer. The turn is in the conversation's memory once this event is sent.
/// </summary>
/// <param name="Route">The route asked for (alias or deployment); <paramref name="Model"/> is the deployment that answered.</param>
/// <param name="Cache">"exact", "semantic" or "miss".</param>
/// <param name="MaskedPii">Types of personal data masked before the model saw the message (e.g. EMAIL), never the values.</param>
public sealed record ChatStreamDone(
    string ConversationId,
    string ResponseId,
    string Route,
    string Model,
    string Provider,
    int PromptTokens,
    int CompletionTokens,
    decimal CostUsd,
    string Cache,
    IReadOnlyList<string> MaskedPii,
    IReadOnlyList<ChatCitation>? Citations = null);

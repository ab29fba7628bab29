namespace AiAspire.Contracts.Platform;

/// <summary>The answer of <c>POST /api/chat</c>; <see cref="ResponseId"/> is what <c>/api/feedback</c> rates.</summary>
public sealed record ChatReply(string ConversationId, string ResponseId, string Answer, string Model, IReadOnlyList<ChatCitation>? Citations = null);

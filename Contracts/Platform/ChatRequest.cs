namespace AiAspire.Contracts.Platform;

/// <summary><c>POST /api/chat</c>: one user turn of a conversation kept by the platform.</summary>
/// <param name="ConversationId">An id this endpoint returned earlier; none starts a new conversation.</param>
/// <param name="Stream">True: the answer comes as server-sent events (<see cref="ChatStreamDelta"/>s, then one <see cref="ChatStreamDone"/> or <see cref="ChatStreamError"/>).</param>
/// <param name="Rag">"on" (retrieval must work), "off" (no retrieval) or "auto" (retrieve, answer without context if it fails); auto when absent.</param>
public sealed record ChatRequest(string? ConversationId, string? Message, string? Collection = null, string? Rag = null, string? Model = null, bool? Stream = null);

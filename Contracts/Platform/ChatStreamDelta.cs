namespace AiAspire.Contracts.Platform;

/// <summary><c>event: delta</c> of a streamed <c>POST /api/chat</c>: the next piece of the answer.</summary>
public sealed record ChatStreamDelta(string Text);

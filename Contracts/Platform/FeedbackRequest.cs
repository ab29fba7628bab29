namespace AiAspire.Contracts.Platform;

/// <summary><c>POST /api/feedback</c>: a rating of one answer, by its id (<c>chatcmpl-…</c>).</summary>
/// <param name="Rating">+1 (helpful) or -1 (not helpful).</param>
/// <param name="Correction">The answer the user would have wanted; masked before it is stored.</param>
public sealed record FeedbackRequest(string? ResponseId, int? Rating, string? Comment = null, string? Correction = null);

public sealed record FeedbackAccepted(string ResponseId, string Rating);

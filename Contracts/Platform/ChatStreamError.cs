namespace AiAspire.Contracts.Platform;

/// <summary>
/// <c>event: error</c>, the last event of a streamed <c>POST /api/chat</c> that failed after it started: the text sent
/// so far is not an answer, and the turn is not remembered.
/// </summary>
/// <param name="Type">A stable problem type (see ProblemTypes), as problem+json would carry it.</param>
public sealed record ChatStreamError(string Type, string Message, string ResponseId);

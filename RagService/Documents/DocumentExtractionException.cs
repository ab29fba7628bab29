namespace AiAspire.RagService.Documents;

/// <summary>An upload whose bytes are not what its type promises (invalid UTF-8, a broken PDF, malformed JSON): the caller's 400.</summary>
public sealed class DocumentExtractionException(string message, Exception? innerException = null) : Exception(message, innerException);

namespace AiAspire.Contracts.Guard;

/// <summary>A retrieved chunk to check before it enters a prompt.</summary>
/// <param name="Id">The caller's id for it (chunk id), echoed in the verdict.</param>
public sealed record GuardDocument(string Text, string? Id = null);

/// <summary><c>POST /v1/guard/documents</c>: checks retrieved chunks for indirect prompt injection (tenant in the header).</summary>
public sealed record GuardDocumentsRequest(IReadOnlyList<GuardDocument> Documents);

/// <param name="Allowed">False when the tenant's policy blocks this document: leave it out of the prompt.</param>
/// <param name="Check">The injection check; null when the tenant turned the detector off.</param>
public sealed record GuardDocumentVerdict(int Index, string? Id, bool Allowed, GuardCheck? Check);

/// <param name="Documents">One verdict per document, in request order.</param>
/// <param name="Blocked">How many documents are not allowed.</param>
public sealed record GuardDocumentsResponse(IReadOnlyList<GuardDocumentVerdict> Documents, int Blocked);

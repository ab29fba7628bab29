namespace AiAspire.Contracts.Guard;

/// <summary>A message as the guardrails see it: role and plain text.</summary>
public sealed record GuardMessage(string Role, string Content);

/// <summary><c>POST /v1/guard/input</c>: the tenant travels in the <see cref="AiAspireHeaders.Tenant"/> header.</summary>
public sealed record GuardInputRequest(IReadOnlyList<GuardMessage> Messages);

/// <param name="Messages">The messages with every masked value replaced by a typed placeholder.</param>
/// <param name="VaultId">Opaque id of the server-side placeholder mapping; null when nothing was masked.</param>
public sealed record GuardInputResponse(
    bool Allowed,
    IReadOnlyList<GuardMessage> Messages,
    IReadOnlyList<GuardFinding> Findings,
    string? VaultId,
    IReadOnlyList<string> Reasons);

/// <param name="MessageIndex">Index of the message the finding is in.</param>
/// <param name="Start">Offset of the first character in the original text.</param>
/// <param name="End">Offset one past the last character in the original text.</param>
public sealed record GuardFinding(string Type, int MessageIndex, int Start, int End, double Score);

/// <summary><c>POST /v1/guard/output</c>: restores placeholders from the vault and checks the text.</summary>
public sealed record GuardOutputRequest(string Text, string? VaultId);

public sealed record GuardOutputResponse(bool Allowed, string Text, IReadOnlyList<GuardFinding> Findings);

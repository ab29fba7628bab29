using System.Text.Json;

namespace AiAspire.Contracts.Guard;

/// <summary>A message as the guardrails see it: role and plain text.</summary>
public sealed record GuardMessage(string Role, string Content);

/// <summary><c>POST /v1/guard/input</c>: the tenant travels in the <see cref="AiAspireHeaders.Tenant"/> header.</summary>
public sealed record GuardInputRequest(IReadOnlyList<GuardMessage> Messages);

/// <param name="Messages">The messages with every masked value replaced by a typed placeholder.</param>
/// <param name="VaultId">Opaque id of the server-side placeholder mapping; null when nothing was masked.</param>
/// <param name="Checks">Scored checks per message (prompt injection, …), flagged or not; null from older services.</param>
/// <param name="PolicyVersion">A fingerprint of everything that decides the guard's verdicts (its policies, detector
/// settings and build): equal versions give equal verdicts on equal text. Null from older services.</param>
public sealed record GuardInputResponse(
    bool Allowed,
    IReadOnlyList<GuardMessage> Messages,
    IReadOnlyList<GuardFinding> Findings,
    string? VaultId,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<GuardCheck>? Checks = null,
    string? PolicyVersion = null);

/// <param name="MessageIndex">Index of the message the finding is in.</param>
/// <param name="Start">Offset of the first character in the original text.</param>
/// <param name="End">Offset one past the last character in the original text.</param>
/// <param name="Action">What the tenant's policy did with it (<see cref="GuardActions"/>); null where no policy applies.</param>
public sealed record GuardFinding(string Type, int MessageIndex, int Start, int End, double Score, string? Action = null);

/// <summary><c>POST /v1/guard/output</c>: restores placeholders from the vault and checks the text.</summary>
/// <param name="SystemPrompt">The system prompt the answer was generated under; when given, an answer that repeats a long
/// span of it is refused (system-prompt leakage).</param>
/// <param name="Schema">The JSON Schema the request asked the answer to follow; when given, an answer that is not JSON
/// satisfying it is refused.</param>
/// <param name="StreamId">Names the stream a window belongs to (1–128 of A–Z a–z 0–9 - _ . :); the guard keeps the
/// stream's tail (Redis, TTL) so that the leak and content checks see across windows.</param>
/// <param name="Final">The stream's last window: the guard forgets the tail.</param>
public sealed record GuardOutputRequest(string Text, string? VaultId, string? SystemPrompt = null, JsonElement? Schema = null,
    string? StreamId = null, bool Final = false);

/// <param name="Findings">PII the model wrote in the clear (no placeholder explains it), with action <c>leak</c>.</param>
/// <param name="Reasons">Why the answer is not allowed; null from older services.</param>
/// <param name="Checks">Scored output checks (<see cref="GuardCheckNames.SystemPromptLeak"/>); null from older services.</param>
/// <param name="PolicyVersion">As <see cref="GuardInputResponse.PolicyVersion"/>; null from older services.</param>
public sealed record GuardOutputResponse(
    bool Allowed,
    string Text,
    IReadOnlyList<GuardFinding> Findings,
    IReadOnlyList<string>? Reasons = null,
    IReadOnlyList<GuardCheck>? Checks = null,
    string? PolicyVersion = null);

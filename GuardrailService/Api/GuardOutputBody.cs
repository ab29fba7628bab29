using System.Text.Json;

namespace AiAspire.GuardrailService.Api;

/// <summary>
/// The body of <c>POST /v1/guard/output</c>: <see cref="AiAspire.Contracts.Guard.GuardOutputRequest"/> and the stream
/// fields, which older callers do not send (a whole answer, as before).
/// </summary>
/// <param name="StreamId">Names the stream a window belongs to (1–128 letters, digits, <c>-</c>, <c>_</c>, <c>.</c>, <c>:</c>),
/// so that checks see across windows.</param>
/// <param name="Final">The stream's last window.</param>
public sealed record GuardOutputBody(
    string Text,
    string? VaultId,
    string? SystemPrompt = null,
    JsonElement? Schema = null,
    string? StreamId = null,
    bool Final = false);

using AiAspire.Contracts.Guard;

namespace AiAspire.GuardrailService.Masking;

/// <param name="Texts">The inputs with each finding replaced by its placeholder, in input order.</param>
/// <param name="Findings">Every masked span, with offsets into the original (unmasked) text.</param>
/// <param name="Entries">Placeholder → original value; empty when nothing was masked. Never log it.</param>
public sealed record MaskingResult(
    IReadOnlyList<string> Texts,
    IReadOnlyList<GuardFinding> Findings,
    IReadOnlyDictionary<string, string> Entries);

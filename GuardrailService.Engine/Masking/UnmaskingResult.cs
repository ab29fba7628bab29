namespace AiAspire.GuardrailService.Masking;

/// <param name="Text">The text with every known placeholder replaced by its value.</param>
/// <param name="Restored">Placeholders replaced.</param>
/// <param name="Unknown">Placeholder-shaped strings not in the vault, left as written.</param>
public sealed record UnmaskingResult(string Text, int Restored, int Unknown);

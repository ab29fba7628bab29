namespace AiAspire.GuardrailService.Masking;

/// <summary>The vault's store did not answer; masking must fail closed rather than return unmasked text.</summary>
public sealed class VaultUnavailableException(string message, Exception inner) : Exception(message, inner);

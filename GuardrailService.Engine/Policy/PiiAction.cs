namespace AiAspire.GuardrailService.Policy;

/// <summary>What the input guard does with a finding of one PII type.</summary>
public enum PiiAction
{
    /// <summary>Replace the value with a typed placeholder and restore it in the output (the default).</summary>
    Mask,

    /// <summary>Refuse the request (<c>allowed: false</c> with a reason); the value is masked in the response all the same.</summary>
    Block,

    /// <summary>Report the finding but let the value through to the model unchanged.</summary>
    Allow,
}

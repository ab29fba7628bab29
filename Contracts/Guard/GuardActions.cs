namespace AiAspire.Contracts.Guard;

/// <summary>Values of <see cref="GuardFinding.Action"/>: what the guardrails did with a finding.</summary>
public static class GuardActions
{
    /// <summary>Replaced by a placeholder; restored in the output.</summary>
    public const string Mask = "mask";

    /// <summary>The request was refused because of it (and the value masked in the response).</summary>
    public const string Block = "block";

    /// <summary>Reported only; the value went through unchanged.</summary>
    public const string Allow = "allow";

    /// <summary>In an answer: personal data the model wrote in the clear, which no placeholder of the input explains.</summary>
    public const string Leak = "leak";
}

using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Pii;

/// <summary>Configuration section <c>Guardrails:Pii</c>.</summary>
public sealed class PiiOptions
{
    public const string Section = "Guardrails:Pii";

    /// <summary>Findings scoring below this are neither reported nor masked.</summary>
    [Range(0.0, 1.0)]
    public double MinScore { get; set; } = 0.5;
}

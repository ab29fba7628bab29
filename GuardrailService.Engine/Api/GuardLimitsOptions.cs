using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Api;

/// <summary>Configuration section <c>Guardrails:Limits</c>: the largest request the guardrails will scan.</summary>
public sealed class GuardLimitsOptions
{
    public const string Section = "Guardrails:Limits";

    [Range(1, 100_000)]
    public int MaxMessages { get; set; } = 1_000;

    /// <summary>Characters across all messages of an input request, or of an output text.</summary>
    [Range(1, 50_000_000)]
    public int MaxCharacters { get; set; } = 1_000_000;
}

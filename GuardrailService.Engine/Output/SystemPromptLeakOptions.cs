using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Output;

/// <summary>Configuration section <c>Guardrails:SystemPromptLeak</c>.</summary>
public sealed class SystemPromptLeakOptions
{
    public const string Section = "Guardrails:SystemPromptLeak";

    /// <summary>A shared run of this many consecutive words is a leak, however long the prompt.</summary>
    [Range(4, 10_000)]
    public int MinWords { get; set; } = 12;

    /// <summary>Or this share of a shorter prompt's words, repeated in one run.</summary>
    [Range(0.1, 1.0)]
    public double MinShare { get; set; } = 0.8;
}

using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Injection;

/// <summary>Configuration section <c>Guardrails:Injection:Classifier</c>: when the embedding classifier runs.</summary>
public sealed class InjectionClassifierOptions
{
    public const string Section = "Guardrails:Injection:Classifier";

    public InjectionClassifierMode Mode { get; set; } = InjectionClassifierMode.Uncertain;

    /// <summary>Under <see cref="InjectionClassifierMode.Uncertain"/>, heuristic scores in [<see cref="UncertainFrom"/>,
    /// <see cref="UncertainTo"/>) are sent to the classifier; below, the text is benign (no signal or only weak ones), above, an attack.</summary>
    [Range(0.0, 1.0)]
    public double UncertainFrom { get; set; } = 0.2;

    [Range(0.0, 1.0)]
    public double UncertainTo { get; set; } = 0.9;
}

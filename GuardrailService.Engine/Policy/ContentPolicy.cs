using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Policy;

/// <summary>Content rules of a tenant (<c>Guardrails:Policy:Tenants:acme:Content</c>); unset values fall back to the default policy.</summary>
public sealed class ContentPolicy
{
    /// <summary>Tuned on HarmBench against NotInject and COVID-QA questions; see the dataset tests.</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>Category (as in <see cref="Content.ContentCategories"/>) → action, for categories that differ from <see cref="CategoryDefault"/>.</summary>
    public Dictionary<string, ContentAction> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The action for categories not listed in <see cref="Categories"/>.</summary>
    public ContentAction? CategoryDefault { get; set; }

    [Range(0.0, 1.0)]
    public double? Threshold { get; set; }
}

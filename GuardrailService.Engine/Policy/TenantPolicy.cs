namespace AiAspire.GuardrailService.Policy;

/// <summary>One tenant's guardrail rules; anything left unset falls back to <see cref="GuardPolicyOptions.Default"/>.</summary>
public sealed class TenantPolicy
{
    /// <summary>PII type (as in <see cref="Pii.PiiTypes"/>) → action, for the types that differ from <see cref="PiiDefault"/>.</summary>
    public Dictionary<string, PiiAction> Pii { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The action for PII types not listed in <see cref="Pii"/>.</summary>
    public PiiAction? PiiDefault { get; set; }

    public InjectionPolicy Injection { get; set; } = new();

    public ContentPolicy Content { get; set; } = new();
}

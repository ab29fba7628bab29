namespace AiAspire.GuardrailService.Policy;

/// <summary>
/// Configuration section <c>Guardrails:Policy</c>: the rules every tenant gets (<see cref="Default"/>) and per-tenant
/// overrides (<c>Guardrails:Policy:Tenants:acme:Pii:IP_ADDRESS = Allow</c>). Read through <c>IOptionsMonitor</c>,
/// so a changed policy applies to the next request.
/// </summary>
public sealed class GuardPolicyOptions
{
    public const string Section = "Guardrails:Policy";

    public TenantPolicy Default { get; set; } = new();

    public Dictionary<string, TenantPolicy> Tenants { get; set; } = new(StringComparer.Ordinal);
}

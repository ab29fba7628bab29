namespace AiAspire.Orchestrator.Templates;

/// <summary>One tenant's variable values and templates; both override the shared ones.</summary>
public sealed class TenantTemplateOptions
{
    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, TemplateDefinition> Definitions { get; set; } = new(StringComparer.Ordinal);
}

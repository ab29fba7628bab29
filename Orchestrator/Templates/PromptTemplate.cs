namespace AiAspire.Orchestrator.Templates;

/// <summary>One version of a prompt template, as loaded from a file or from configuration.</summary>
/// <param name="System">Rendered into a system message placed before the caller's own; null for none.</param>
/// <param name="User">Rendered into the last user message; holds <c>{{question}}</c>.</param>
/// <param name="Variables">Defaults for the template's custom variables; configuration can override them.</param>
/// <param name="Tenant">The tenant this version belongs to, or null for a template every tenant can use.</param>
public sealed record PromptTemplate(
    string Id,
    string Version,
    string? System,
    string User,
    IReadOnlyDictionary<string, string> Variables,
    string? Tenant,
    string Source)
{
    /// <summary>"id@version": what the event and the response header report.</summary>
    public string Key => $"{Id}@{Version}";

    /// <summary>True when the template places <paramref name="variable"/> itself, rather than leaving it to the default layout.</summary>
    public bool Uses(string variable) => UsedVariables.Contains(variable);

    public IReadOnlySet<string> UsedVariables { get; } =
        PromptRenderer.VariablesIn(System).Union(PromptRenderer.VariablesIn(User)).ToHashSet(StringComparer.Ordinal);
}

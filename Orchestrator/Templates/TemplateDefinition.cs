namespace AiAspire.Orchestrator.Templates;

/// <summary>A template version as written in a file (<c>templates/&lt;id&gt;@&lt;version&gt;.json</c>) or under <c>Templates:Definitions</c>.</summary>
public sealed class TemplateDefinition
{
    public string? Description { get; set; }

    public string? System { get; set; }

    public string User { get; set; } = "{{question}}";

    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.Ordinal);
}

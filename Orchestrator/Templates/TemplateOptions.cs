namespace AiAspire.Orchestrator.Templates;

/// <summary>
/// Where templates come from and the values of their custom variables. Which template a request uses is chosen by
/// the pipeline profile (<c>Pipeline:…:Template</c>), per route and per tenant.
/// </summary>
public sealed class TemplateOptions
{
    public const string Section = "Templates";

    /// <summary>
    /// Folder of template files, relative to the content root: <c>&lt;id&gt;@&lt;version&gt;.json</c> for every tenant,
    /// <c>tenants/&lt;tenant&gt;/&lt;id&gt;@&lt;version&gt;.json</c> for one tenant (overriding the same id).
    /// </summary>
    public string Directory { get; set; } = "templates";

    /// <summary>Values of custom variables for every tenant; they override a template's defaults.</summary>
    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Templates defined in configuration, keyed "id@version".</summary>
    public Dictionary<string, TemplateDefinition> Definitions { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, TenantTemplateOptions> Tenants { get; set; } = new(StringComparer.Ordinal);
}

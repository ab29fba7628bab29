using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Templates;

/// <summary>
/// Every template version, from files and configuration, shared and per tenant. Loaded on start and again whenever
/// <c>Templates</c> configuration changes; a load that fails keeps the previous catalog.
/// </summary>
public sealed partial class TemplateCatalog : IDisposable
{
    private readonly IOptionsMonitor<TemplateOptions> _options;
    private readonly string _contentRoot;
    private readonly ILogger<TemplateCatalog> _logger;
    private readonly IDisposable? _subscription;
    private Snapshot _current;

    public TemplateCatalog(IOptionsMonitor<TemplateOptions> options, IHostEnvironment environment, ILogger<TemplateCatalog> logger)
    {
        _options = options;
        _contentRoot = environment.ContentRootPath;
        _logger = logger;
        var (snapshot, errors) = Load(options.CurrentValue, _contentRoot);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(TemplateOptions.Section, typeof(TemplateOptions), errors);
        }
        _current = snapshot;
        _subscription = options.OnChange(Reload);
    }

    /// <summary>The template <paramref name="name"/> ("id" for its newest version, or "id@version") as <paramref name="tenant"/> sees it: its own version of the id if it has one, else the shared one.</summary>
    public PromptTemplate? Find(string tenant, string name) => _current.Find(tenant, name);

    /// <summary>Custom variable values for <paramref name="tenant"/>: its own over the shared ones.</summary>
    public IReadOnlyDictionary<string, string> VariablesFor(string tenant) => _current.VariablesFor(tenant);

    /// <summary>The catalog as loaded now: one consistent set of templates and variables.</summary>
    public Snapshot Current => _current;

    public void Dispose() => _subscription?.Dispose();

    private void Reload(TemplateOptions options, string? name)
    {
        var (snapshot, errors) = Load(options, _contentRoot);
        if (errors.Count > 0)
        {
            LogReloadFailed(string.Join(" ", errors));
            return;
        }
        _current = snapshot;
    }

    /// <summary>Reads and checks every template; the errors say which file or key is wrong and why.</summary>
    public static (Snapshot Snapshot, List<string> Errors) Load(TemplateOptions options, string contentRoot)
    {
        var errors = new List<string>();
        var templates = new List<PromptTemplate>();
        var directory = Path.GetFullPath(Path.Combine(contentRoot, options.Directory));
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
            {
                Add(Path.GetFileNameWithoutExtension(file), ReadFile(file, errors), null, file);
            }
            var tenants = Path.Combine(directory, "tenants");
            if (Directory.Exists(tenants))
            {
                foreach (var tenantDirectory in Directory.EnumerateDirectories(tenants).Order(StringComparer.Ordinal))
                {
                    var tenant = Path.GetFileName(tenantDirectory);
                    foreach (var file in Directory.EnumerateFiles(tenantDirectory, "*.json").Order(StringComparer.Ordinal))
                    {
                        Add(Path.GetFileNameWithoutExtension(file), ReadFile(file, errors), tenant, file);
                    }
                }
            }
        }
        foreach (var (key, definition) in options.Definitions)
        {
            Add(key, definition, null, $"{TemplateOptions.Section}:Definitions:{key}");
        }
        foreach (var (tenant, tenantOptions) in options.Tenants)
        {
            foreach (var (key, definition) in tenantOptions.Definitions)
            {
                Add(key, definition, tenant, $"{TemplateOptions.Section}:Tenants:{tenant}:Definitions:{key}");
            }
        }

        foreach (var duplicate in templates.GroupBy(t => (t.Tenant, t.Key)).Where(g => g.Count() > 1))
        {
            errors.Add($"Template {duplicate.Key.Key}{ForTenant(duplicate.Key.Tenant)} is defined more than once: {string.Join(", ", duplicate.Select(t => t.Source))}.");
        }

        var variables = new Dictionary<string, string>(options.Variables, StringComparer.Ordinal);
        var tenantVariables = options.Tenants.ToDictionary(
            t => t.Key,
            t => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(
                variables.Concat(t.Value.Variables).GroupBy(p => p.Key).Select(g => g.Last()), StringComparer.Ordinal),
            StringComparer.Ordinal);
        foreach (var template in templates)
        {
            var known = template.Tenant is { } owner && tenantVariables.TryGetValue(owner, out var own) ? own : variables;
            foreach (var variable in template.UsedVariables.Order(StringComparer.Ordinal))
            {
                if (!PromptRenderer.BuiltIn.Contains(variable) && !template.Variables.ContainsKey(variable) && !known.ContainsKey(variable))
                {
                    errors.Add($"Template {template.Key} ({template.Source}) uses {{{{{variable}}}}}, which is neither built in ({string.Join(", ", PromptRenderer.BuiltIn)}) nor given a value by the template or {TemplateOptions.Section}:Variables.");
                }
            }
            if (!PromptRenderer.VariablesIn(template.User).Contains(PromptRenderer.Question))
            {
                errors.Add($"Template {template.Key} ({template.Source}): its user text must contain {{{{question}}}}.");
            }
        }

        return (new Snapshot(templates, variables, tenantVariables), errors);

        void Add(string key, TemplateDefinition? definition, string? tenant, string source)
        {
            if (definition is null)
            {
                return;
            }
            var match = TemplateKey().Match(key);
            if (!match.Success)
            {
                errors.Add($"'{key}' ({source}) is not a template key: write id@version, e.g. answer@2 (id: letters, digits, '-', '_'; version: numbers separated by dots).");
                return;
            }
            if (string.IsNullOrWhiteSpace(definition.User))
            {
                errors.Add($"Template {key} ({source}) has no user text.");
                return;
            }
            templates.Add(new PromptTemplate(match.Groups[1].Value, match.Groups[2].Value,
                string.IsNullOrWhiteSpace(definition.System) ? null : definition.System, definition.User,
                new Dictionary<string, string>(definition.Variables ?? [], StringComparer.Ordinal), tenant, source));
        }
    }

    private static TemplateDefinition? ReadFile(string path, List<string> errors)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, TemplateJsonContext.Default.TemplateDefinition)
                ?? throw new JsonException("The file holds null.");
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"Template file {path} cannot be read: {ex.Message}");
            return null;
        }
    }

    private static string ForTenant(string? tenant) => tenant is null ? "" : $" for tenant '{tenant}'";

    [GeneratedRegex(@"^([A-Za-z0-9_-]{1,64})@(\d{1,9}(?:\.\d{1,9}){0,3})$", RegexOptions.CultureInvariant)]
    internal static partial Regex TemplateKey();

    [LoggerMessage(Level = LogLevel.Error, Message = "The reloaded templates are invalid and were ignored: {Errors}")]
    private partial void LogReloadFailed(string errors);

    /// <summary>One consistent load of every template and variable.</summary>
    public sealed class Snapshot(
        IReadOnlyList<PromptTemplate> templates,
        IReadOnlyDictionary<string, string> variables,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> tenantVariables)
    {
        public IReadOnlyList<PromptTemplate> Templates { get; } = templates;
        public IReadOnlyDictionary<string, string> Variables { get; } = variables;
        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> TenantVariables { get; } = tenantVariables;

        /// <summary>Custom variable values for <paramref name="tenant"/>: its own over the shared ones.</summary>
        public IReadOnlyDictionary<string, string> VariablesFor(string tenant) =>
            TenantVariables.TryGetValue(tenant, out var own) ? own : Variables;

        public PromptTemplate? Find(string tenant, string name)
        {
            var at = name.IndexOf('@', StringComparison.Ordinal);
            var id = at < 0 ? name.AsSpan() : name.AsSpan(0, at);
            var version = at < 0 ? null : name[(at + 1)..];
            // One pass, no copies: this runs for every request. The tenant's own versions of the id win over shared ones.
            PromptTemplate? own = null;
            PromptTemplate? shared = null;
            for (var i = 0; i < Templates.Count; i++)
            {
                var template = Templates[i];
                if (!id.SequenceEqual(template.Id) || (template.Tenant is { } owner && owner != tenant)
                    || (version is not null && template.Version != version))
                {
                    continue;
                }
                if (template.Tenant is null)
                {
                    shared = version is not null ? shared ?? template : Newer(shared, template);
                }
                else
                {
                    own = version is not null ? own ?? template : Newer(own, template);
                }
            }
            return own ?? shared;

            static PromptTemplate Newer(PromptTemplate? best, PromptTemplate candidate) =>
                best is null || VersionOf(candidate) > VersionOf(best) ? candidate : best;

            static Version VersionOf(PromptTemplate template) =>
                Version.Parse(template.Version.Contains('.', StringComparison.Ordinal) ? template.Version : template.Version + ".0");
        }
    }
}

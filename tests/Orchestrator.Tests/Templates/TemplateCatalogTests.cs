using AiAspire.Orchestrator.Templates;

namespace AiAspire.Orchestrator.Tests.Templates;

public sealed class TemplateCatalogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("aiaspire-templates-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relativePath, string json)
    {
        var path = Path.Combine(_root, "templates", relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    private (TemplateCatalog.Snapshot Snapshot, List<string> Errors) Load(TemplateOptions? options = null) =>
        TemplateCatalog.Load(options ?? new TemplateOptions(), _root);

    [Fact]
    public void Find_ById_IsTheNewestVersion_ComparedAsNumbers_AndIdAtVersionPinsOne()
    {
        Write("answer@2.json", """{"user":"v2 {{question}}"}""");
        Write("answer@10.json", """{"user":"v10 {{question}}"}""");
        Write("answer@9.json", """{"user":"v9 {{question}}"}""");

        var (catalog, errors) = Load();

        Assert.Empty(errors);
        Assert.Equal("answer@10", catalog.Find("t", "answer")!.Key);
        Assert.Equal("v2 {{question}}", catalog.Find("t", "answer@2")!.User);
        Assert.Null(catalog.Find("t", "answer@3"));
        Assert.Null(catalog.Find("t", "other"));
    }

    [Fact]
    public void Find_PrefersTheTenantsOwnVersions_FromFilesAndConfiguration_OthersSeeTheSharedOne()
    {
        Write("answer@1.json", """{"user":"shared {{question}}"}""");
        Write("tenants/acme/answer@5.json", """{"user":"acme file {{question}}"}""");
        var options = new TemplateOptions
        {
            Tenants = { ["globex"] = new TenantTemplateOptions { Definitions = { ["answer@7"] = new TemplateDefinition { User = "globex {{question}}" } } } },
        };

        var (catalog, errors) = Load(options);

        Assert.Empty(errors);
        Assert.Equal(("answer@5", "acme"), (catalog.Find("acme", "answer")!.Key, catalog.Find("acme", "answer")!.Tenant));
        Assert.Equal("answer@7", catalog.Find("globex", "answer")!.Key);
        Assert.Equal("answer@1", catalog.Find("initech", "answer")!.Key);
        // A pinned shared version stays reachable for a tenant with versions of its own.
        Assert.Equal("shared {{question}}", catalog.Find("acme", "answer@1")!.User);
    }

    [Fact]
    public void Load_ReportsEveryBrokenTemplate_NamingTheFileAndTheProblem()
    {
        Write("unknown-var@1.json", """{"user":"{{question}} for {{customer_tier}}"}""");
        Write("no-question@1.json", """{"system":"Be brief.","user":"Answer now."}""");
        Write("not json@1.json", """{"user":""");
        Write("answer.json", """{"user":"{{question}}"}""");
        Write("typo@1.json", """{"usr":"{{question}}"}""");

        var (_, errors) = Load();

        Assert.Contains(errors, e => e.Contains("Template unknown-var@1", StringComparison.Ordinal) && e.Contains("uses {{customer_tier}}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Template no-question@1", StringComparison.Ordinal) && e.Contains("must contain {{question}}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("not json@1.json cannot be read", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'answer' (", StringComparison.Ordinal) && e.Contains("write id@version", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("typo@1.json cannot be read", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Load_AcceptsACustomVariable_OnceConfigurationOrTheTemplateGivesItAValue()
    {
        Write("tiered@1.json", """{"user":"{{question}} ({{customer_tier}})"}""");
        Write("defaulted@1.json", """{"user":"{{question}} ({{tone}})","variables":{"tone":"friendly"}}""");

        var (_, errors) = Load(new TemplateOptions { Variables = { ["customer_tier"] = "gold" } });

        Assert.Empty(errors);
    }

    [Fact]
    public void Load_TheSameVersionTwice_IsAnError()
    {
        Write("answer@1.json", """{"user":"{{question}}"}""");

        var (_, errors) = Load(new TemplateOptions { Definitions = { ["answer@1"] = new TemplateDefinition() } });

        Assert.Contains("Template answer@1 is defined more than once", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedTemplates_LoadWithoutErrors()
    {
        var (catalog, errors) = TemplateCatalog.Load(new TemplateOptions(), AppContext.BaseDirectory);

        Assert.Empty(errors);
        Assert.Equal("answer@1", catalog.Find("any", "answer")!.Key);
        Assert.Equal("grounded@1", catalog.Find("any", "grounded")!.Key);
    }
}

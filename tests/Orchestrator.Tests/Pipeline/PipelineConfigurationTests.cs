using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Templates;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Tests.Pipeline;

public sealed class PipelineConfigurationTests
{
    private sealed class NamedStep(string name) : IPipelineStep
    {
        public string Name => name;

        public ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private static TemplateCatalog Templates(TemplateOptions? options = null) => new(
        new StaticOptionsMonitor<TemplateOptions>(options ?? new TemplateOptions
        {
            Directory = "no-such-folder",
            Definitions = { ["answer@1"] = new TemplateDefinition(), ["answer@2"] = new TemplateDefinition() },
            Tenants = { ["acme"] = new TenantTemplateOptions { Definitions = { ["acme-only@1"] = new TemplateDefinition() } } },
        }),
        new HostingEnvironment { ContentRootPath = Path.GetTempPath() },
        NullLogger<TemplateCatalog>.Instance);

    private static ValidateOptionsResult Validate(PipelineOptions options) =>
        new PipelineOptionsValidator(PipelineSteps.All.Select(n => new NamedStep(n)), Templates()).Validate(null, options);

    [Fact]
    public void Resolve_WithoutOverrides_IsTheBuiltInDefault()
    {
        var settings = new PipelineOptions().Resolve("anyone", null);

        Assert.Equal(PipelineOptions.DefaultSteps, settings.Steps);
        Assert.Equal(("default", 4, 0.25), (settings.DefaultCollection, settings.RetrieveTopK, settings.RetrieveMinScore));
        Assert.Null(settings.Template);
    }

    [Fact]
    public void Resolve_TakesEachFieldFromTheMostSpecificProfile_DefaultRouteTenantTenantRoute()
    {
        var options = new PipelineOptions
        {
            Default = new() { Steps = ["validate", "infer"], RetrieveTopK = 2, Template = "answer" },
            Routes = { ["smart"] = new() { RetrieveTopK = 8, Template = "answer@1" } },
            Tenants =
            {
                ["acme"] = new TenantPipelineProfile
                {
                    Steps = ["validate", "retrieve", "infer"],
                    Routes = { ["smart"] = new() { RetrieveMinScore = 0.5 } },
                },
            },
        };

        var other = options.Resolve("other", "smart");
        var acmeDefault = options.Resolve("acme", null);
        var acmeSmart = options.Resolve("acme", "SMART");

        Assert.Equal(["validate", "infer"], other.Steps);
        Assert.Equal((8, "answer@1"), (other.RetrieveTopK, other.Template));
        Assert.Equal(["validate", "retrieve", "infer"], acmeDefault.Steps);
        Assert.Equal((2, 0.25, "answer"), (acmeDefault.RetrieveTopK, acmeDefault.RetrieveMinScore, acmeDefault.Template));
        Assert.Equal(["validate", "retrieve", "infer"], acmeSmart.Steps);
        Assert.Equal((8, 0.5, "answer@1"), (acmeSmart.RetrieveTopK, acmeSmart.RetrieveMinScore, acmeSmart.Template));
    }

    [Fact]
    public void Validator_AcceptsTheShippedDefault_AndATenantThatDropsSteps()
    {
        var options = new PipelineOptions
        {
            Default = new() { Template = "answer" },
            Tenants = { ["acme"] = new TenantPipelineProfile { Steps = ["validate", "infer"], Template = "acme-only" } },
        };

        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);
    }

    [Theory]
    [InlineData("validate", "memory", "guard-input", "retrieve", "template", "token-budget", "infer", "guard-output", "format")]
    [InlineData("validate", "guard-input", "retrieve", "template", "token-budget", "infer", "guard-output")]
    [InlineData("validate", "memory", "infer", "format")]
    [InlineData("validate", "infer", "format")]
    public void Validator_AcceptsMemoryBeforeThePromptSteps_AndFormatLast(params string[] steps)
    {
        var options = new PipelineOptions { Tenants = { ["acme"] = new TenantPipelineProfile { Steps = [.. steps] } } };

        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);
    }

    [Fact]
    public void DefaultSteps_AreTheNineStepsOfTheIssue_InOrder()
    {
        Assert.Equal(["validate", "guard-input", "memory", "retrieve", "template", "token-budget", "infer", "guard-output", "format"], PipelineOptions.DefaultSteps);
        Assert.True(Validate(new PipelineOptions()).Succeeded, Validate(new PipelineOptions()).FailureMessage);
    }

    public static TheoryData<PipelineOptions, string> Invalid => new()
    {
        { new PipelineOptions { Default = new() { Steps = ["validate", "spellcheck", "infer"] } },
            "Pipeline:Default:Steps names 'spellcheck', which is not a step. Known steps: format, guard-input, guard-output, infer, memory, retrieve, template, token-budget, validate." },
        { new PipelineOptions { Tenants = { ["acme"] = new TenantPipelineProfile { Steps = ["validate", "retrieve"] } } },
            "The pipeline for tenant 'acme', route 'default' has no 'infer' step: [validate, retrieve]." },
        { new PipelineOptions { Routes = { ["fast"] = new() { Steps = ["validate", "infer", "retrieve"] } } },
            "The pipeline for route 'fast' runs 'retrieve' after 'infer'; it belongs before it." },
        { new PipelineOptions { Default = new() { Steps = ["validate", "guard-output", "infer"] } },
            "The pipeline for route 'default' runs 'guard-output' before 'infer'; it belongs after it." },
        { new PipelineOptions { Default = new() { Steps = ["guard-input", "validate", "infer"] } },
            "The pipeline for route 'default' must start with 'validate', which builds the conversation the other steps work on: [guard-input, validate, infer]." },
        { new PipelineOptions { Tenants = { ["acme"] = new TenantPipelineProfile { Steps = ["validate", "template", "retrieve", "infer"] } } },
            "The pipeline for tenant 'acme', route 'default' runs 'template' before 'retrieve'; it must come after it." },
        { new PipelineOptions { Default = new() { Steps = ["validate", "retrieve", "token-budget", "template", "infer"] } },
            "The pipeline for route 'default' runs 'token-budget' before 'template'; it must come after it." },
        { new PipelineOptions { Tenants = { ["acme"] = new TenantPipelineProfile { Steps = ["validate", "retrieve", "memory", "infer"] } } },
            "The pipeline for tenant 'acme', route 'default' runs 'retrieve' before 'memory'; it must come after it." },
        { new PipelineOptions { Default = new() { Steps = ["validate", "template", "memory", "infer"] } },
            "The pipeline for route 'default' runs 'template' before 'memory'; it must come after it." },
        { new PipelineOptions { Default = new() { Steps = ["validate", "infer", "memory"] } },
            "The pipeline for route 'default' runs 'memory' after 'infer'; it belongs before it." },
        { new PipelineOptions { Default = new() { Steps = ["validate", "infer", "format", "guard-output"] } },
            "The pipeline for route 'default' runs 'guard-output' after 'format', which must be the last step: [validate, infer, format, guard-output]." },
        { new PipelineOptions { Routes = { ["fast"] = new() { Steps = ["validate", "format", "infer"] } } },
            "The pipeline for route 'fast' runs 'format' before 'infer'; it belongs after it." },
        { new PipelineOptions { Default = new() { Steps = ["validate", "infer", "infer"] } },
            "Pipeline:Default:Steps names 'infer' more than once." },
        { new PipelineOptions { Routes = { ["smart"] = new() { RetrieveTopK = 0 } } },
            "Pipeline:Routes:smart:RetrieveTopK must be between 1 and 100." },
        { new PipelineOptions { Routes = { ["smart"] = new() { Template = "missing" } } },
            "The pipeline for route 'smart' names the template 'missing', which is not in the catalog" },
        { new PipelineOptions { Default = new() { Template = "acme-only" } },
            "The pipeline for route 'default' names the template 'acme-only'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validator_RejectsWhatCannotRun_WithAMessageNamingTheSetting(PipelineOptions options, string expected)
    {
        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}

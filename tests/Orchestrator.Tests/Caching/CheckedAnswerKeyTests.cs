using System.Security.Cryptography;
using AiAspire.Contracts.OpenAI;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Templates;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>
/// A request's checked-answer key is worked out once, at the lookup, and reused by the store after the answer — but only
/// while the guard policy version and the template catalog are the ones it was made with.
/// </summary>
public sealed class CheckedAnswerKeyTests
{
    private static readonly string[] StepsWithoutRetrieval = ["validate", "guard-input", "memory", "template", "token-budget", "infer", "guard-output", "format"];

    /// <summary>Template options that can be changed, as a configuration reload changes them.</summary>
    private sealed class ReloadableOptions(TemplateOptions value) : IOptionsMonitor<TemplateOptions>
    {
        private Action<TemplateOptions, string?>? _listener;

        public TemplateOptions CurrentValue { get; private set; } = value;

        public TemplateOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<TemplateOptions, string?> listener)
        {
            _listener += listener;
            return null;
        }

        public void Reload(TemplateOptions options)
        {
            CurrentValue = options;
            _listener?.Invoke(options, null);
        }
    }

    private static (CheckedAnswerCache Cache, TemplateCatalog Templates, ReloadableOptions Options) Cache()
    {
        var options = new ReloadableOptions(new TemplateOptions { Directory = "no-such-folder", Variables = { ["company"] = "Acme" } });
        var templates = new TemplateCatalog(options, new HostingEnvironment { ContentRootPath = Path.GetTempPath() }, NullLogger<TemplateCatalog>.Instance);
        var exact = new StaticOptionsMonitor<ExactCacheOptions>(new ExactCacheOptions());
        // The key needs no Redis: the cache is never asked to look anything up here.
        var cache = new CheckedAnswerCache(null!, new GuardPolicyVersions(TimeProvider.System, exact), templates, exact, NullLogger<CheckedAnswerCache>.Instance);
        return (cache, templates, options);
    }

    private static PipelineContext Context() =>
        new("chatcmpl-test", "tenant-a", new ChatCompletionRequest
        {
            Model = "checked",
            Temperature = 0,
            Messages = [new ChatMessage { Role = "user", Content = System.Text.Json.JsonSerializer.SerializeToElement("When are invoices due?") }],
        })
        {
            Settings = new PipelineSettings(StepsWithoutRetrieval, "default", 4, 0.25, null, 100, 100_000),
        };

    private static string Expected(PipelineContext context, string version, TemplateCatalog templates) =>
        $"{CheckedAnswerCache.KeyPrefix}{{tenant-a}}:" +
        Convert.ToHexStringLower(SHA256.HashData(CheckedAnswerCache.Canonical(context, version, null, templates.VariablesFor("tenant-a"))));

    [Fact]
    public void TheStoreAfterTheLookup_ReusesTheLookupsKey()
    {
        var (cache, templates, _) = Cache();
        var context = Context();

        var lookup = cache.KeyOf(context, "policy-1");
        var worked = context.CheckedAnswerKey;
        var store = cache.KeyOf(context, "policy-1");

        Assert.NotNull(lookup);
        Assert.Equal(Expected(Context(), "policy-1", templates), lookup.Value.Key);
        Assert.Equal(lookup, store);
        Assert.Same(worked, context.CheckedAnswerKey);
    }

    [Fact]
    public void AnotherPolicyVersion_GetsItsOwnKey()
    {
        var (cache, templates, _) = Cache();
        var context = Context();

        var first = cache.KeyOf(context, "policy-1");
        var second = cache.KeyOf(context, "policy-2");

        Assert.NotEqual(first!.Value.Key, second!.Value.Key);
        Assert.Equal(Expected(Context(), "policy-2", templates), second.Value.Key);
    }

    [Fact]
    public void ATemplateReloadBetweenLookupAndStore_WorksTheKeyOutAgain()
    {
        var (cache, templates, options) = Cache();
        var context = Context();
        var before = cache.KeyOf(context, "policy-1");

        options.Reload(new TemplateOptions { Directory = "no-such-folder", Variables = { ["company"] = "Globex" } });
        var after = cache.KeyOf(context, "policy-1");

        Assert.NotEqual(before!.Value.Key, after!.Value.Key);
        Assert.Equal(Expected(Context(), "policy-1", templates), after.Value.Key);
    }
}

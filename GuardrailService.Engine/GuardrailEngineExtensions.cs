using AiAspire.GuardrailService.Api;
using AiAspire.GuardrailService.Content;
using AiAspire.GuardrailService.Guards;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Output;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService;

public static class GuardrailEngineExtensions
{
    /// <summary>Name of the embedded file with the engine's default settings (section <c>Guardrails</c>).</summary>
    internal const string DefaultsResource = "AiAspire.GuardrailService.guardrails.json";

    /// <summary>
    /// Registers the guard engine (<see cref="GuardEngine"/> and everything its checks need) and loads its default
    /// settings beneath the host's own configuration, so that GuardrailService and a host running the engine in its
    /// own process (the orchestrator's <c>Colocation:Guardrails</c>) decide alike on the same <c>Guardrails:*</c>
    /// settings. The host adds the Redis client the vault and stream tails use (<c>IConnectionMultiplexer</c>).
    /// </summary>
    public static IHostApplicationBuilder AddGuardrailEngine(this IHostApplicationBuilder builder)
    {
        // Lowest precedence: appsettings, environment and command line of the host override any default.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults() });

        builder.Services.AddOptions<PiiOptions>().BindConfiguration(PiiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<VaultOptions>().BindConfiguration(VaultOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<GuardPolicyOptions>().BindConfiguration(GuardPolicyOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GuardPolicyOptions>, GuardPolicyValidator>();
        builder.Services.AddSingleton<GuardPolicy>();
        builder.Services.AddSingleton<GuardPolicyVersion>();
        builder.Services.AddOptions<GuardLimitsOptions>().BindConfiguration(GuardLimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Every IPiiRecognizer registered here is run by the analyzer; new recognizers are one line each.
        builder.Services.AddSingleton<IPiiRecognizer, EmailRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, CreditCardRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, PhoneNumberRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, IbanRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, UsSsnRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, IpAddressRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, SecretRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, DateOfBirthRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, PersonNameRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, StreetAddressRecognizer>();
        builder.Services.AddSingleton<PiiAnalyzer>();

        builder.Services.AddSingleton<PromptInjectionDetector>();
        builder.Services.AddOptions<InjectionClassifierOptions>().BindConfiguration(InjectionClassifierOptions.Section).ValidateDataAnnotations()
            .Validate(options => options.UncertainFrom <= options.UncertainTo, $"{InjectionClassifierOptions.Section}: UncertainFrom must not exceed UncertainTo.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ITextEmbedder, MiniLmTextEmbedder>();
        builder.Services.AddSingleton<InjectionScorer>();
        builder.Services.AddHostedService<InjectionClassifierWarmUp>();
        builder.Services.AddSingleton<ContentClassifier>();
        builder.Services.AddSingleton<SystemPromptLeakDetector>();
        builder.Services.AddOptions<SystemPromptLeakOptions>().BindConfiguration(SystemPromptLeakOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PiiMasker>();
        builder.Services.AddSingleton<IVaultStore, RedisVaultStore>();
        builder.Services.AddOptions<StreamTailOptions>().BindConfiguration(StreamTailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IStreamTailStore, RedisStreamTailStore>();
        builder.Services.AddSingleton<ContentPolicyCheck>();
        builder.Services.AddSingleton<InputGuard>();
        builder.Services.AddSingleton<OutputGuard>();
        builder.Services.AddSingleton<DocumentGuard>();
        builder.Services.AddSingleton<GuardEngine>();
        return builder;
    }

    /// <summary>The settings of the embedded <c>guardrails.json</c>, flattened to configuration keys.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string?>> Defaults()
    {
        using var stream = typeof(GuardrailEngineExtensions).Assembly.GetManifestResourceStream(DefaultsResource)
            ?? throw new InvalidOperationException($"The guard engine's defaults ({DefaultsResource}) are missing from its assembly.");
        // A memory source (not the stream itself): the host may rebuild its providers, and a stream reads only once.
        return [.. new ConfigurationBuilder().AddJsonStream(stream).Build().AsEnumerable().Where(pair => pair.Value is not null)];
    }
}

using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Api;
using AiAspire.GuardrailService.Content;
using AiAspire.GuardrailService.Guards;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Output;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService;

public static class Extensions
{
    private const string VaultConnectionName = "cache";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Without the vault nothing can be masked reversibly: refuse to start rather than fail every request.
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(VaultConnectionName))
            && string.IsNullOrWhiteSpace(builder.Configuration["Aspire:StackExchange:Redis:ConnectionString"]))
        {
            throw new InvalidOperationException(
                $"GuardrailService keeps its PII vault in Redis: set ConnectionStrings:{VaultConnectionName} (the AppHost does this).");
        }
        builder.AddRedisClient(VaultConnectionName);

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
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, GuardJsonContext.Default));
        return builder;
    }
}

using AiAspire.GuardrailService.Api;
using AiAspire.GuardrailService.Guards;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Pii;

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
        builder.Services.AddOptions<GuardLimitsOptions>().BindConfiguration(GuardLimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Every IPiiRecognizer registered here is run by the analyzer; new recognizers are one line each.
        builder.Services.AddSingleton<IPiiRecognizer, EmailRecognizer>();
        builder.Services.AddSingleton<IPiiRecognizer, CreditCardRecognizer>();
        builder.Services.AddSingleton<PiiAnalyzer>();

        builder.Services.AddSingleton<PiiMasker>();
        builder.Services.AddSingleton<IVaultStore, RedisVaultStore>();
        builder.Services.AddSingleton<InputGuard>();
        builder.Services.AddSingleton<OutputGuard>();
        return builder;
    }
}

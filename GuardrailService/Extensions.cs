using AiAspire.Contracts.Guard;

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
        builder.AddGuardrailEngine();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, GuardJsonContext.Default));
        return builder;
    }
}

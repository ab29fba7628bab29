using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Offline;
using AiAspire.RouterService.Providers;
using AiAspire.RouterService.Quality;
using AiAspire.RouterService.Resilience;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.SharedState;
using AiAspire.RouterService.Strategies;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiAspire.RouterService;

public static class Extensions
{
    public const string RedisConnectionName = "cache";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section);
        builder.Services.AddOptions<RouterOptions>().BindConfiguration(RouterOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Redis is optional: with it, replicas share rate-limit counters and latency averages, and read the quality
        // scores the FeedbackWorker publishes; without it (or while it is down) each replica decides alone.
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            builder.AddRedisClient(RedisConnectionName,
                settings => settings.DisableHealthChecks = true, // the router serves without it
                redis => redis.AbortOnConnectFail = false);
        }
        builder.Services.AddSingleton<RouterRedis>();
        builder.Services.AddSingleton<DeploymentRateLimiter>();
        builder.Services.AddSingleton<QualityScoreBoard>();
        builder.Services.AddSingleton<QualityScoreRefresher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<QualityScoreRefresher>());
        builder.Services.AddSingleton<SharedLatency>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SharedLatency>());

        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<OfflineChatClient>();
        builder.Services.TryAddSingleton<IAzureTokenCredentials, AzureIdentityCredentials>();
        builder.Services.AddSingleton<ChatClientFactory>();
        builder.Services.AddSingleton<PromptComplexityClassifier>();
        builder.Services.AddSingleton<DeploymentObservations>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CircuitBreakers>();
        builder.Services.AddSingleton<IRoutingStrategy, PriorityStrategy>();
        builder.Services.AddSingleton<IRoutingStrategy, CostStrategy>();
        builder.Services.AddSingleton<IRoutingStrategy, LatencyStrategy>();
        builder.Services.AddSingleton<IRoutingStrategy, QualityStrategy>();
        builder.Services.AddSingleton<IRoutingStrategy>(new WeightedStrategy());
        builder.Services.AddSingleton<IRoutingStrategy, LeastBusyStrategy>();
        builder.Services.AddSingleton<IRoutingStrategy, ComplexityStrategy>();
        builder.Services.AddSingleton<RoutePlanner>();
        builder.Services.AddSingleton<CompletionRouter>();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, RouterJsonContext.Default));
        return builder;
    }
}

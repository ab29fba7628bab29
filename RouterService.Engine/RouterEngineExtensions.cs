using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Complexity;
using AiAspire.RouterService.Offline;
using AiAspire.RouterService.Providers;
using AiAspire.RouterService.Quality;
using AiAspire.RouterService.Resilience;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.SharedState;
using AiAspire.RouterService.Strategies;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using StackExchange.Redis;

namespace AiAspire.RouterService;

public static class RouterEngineExtensions
{
    public const string RedisConnectionName = "cache";

    /// <summary>
    /// The catalog every host of the engine starts from (deployments <c>local</c>, <c>gpt-4o-mini</c>, <c>gpt-4o</c> and
    /// the routes over them), shipped next to the engine's assembly.
    /// </summary>
    public const string DefaultsFile = "router-defaults.json";

    /// <summary>
    /// Registers the router's engine: catalog, strategies, planner, <see cref="CompletionRouter"/>, provider adapters,
    /// limits, breakers and shared state, and <see cref="RouterEngine"/> over them. RouterService serves it over HTTP;
    /// the orchestrator calls it in process when <c>Colocation:Router</c> is on. Reads the sections <c>Catalog</c>,
    /// <c>Router</c>, <c>Providers</c> and <c>ConnectionStrings:cache</c>; <see cref="DefaultsFile"/> is added as the
    /// lowest-precedence configuration source, so a host's appsettings, environment and command line override it.
    /// </summary>
    public static IHostApplicationBuilder AddRouterEngine(this IHostApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
        {
            Path = DefaultsFile,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
            Optional = false,
            ReloadOnChange = false,
        });

        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section);
        builder.Services.AddOptions<RouterOptions>().BindConfiguration(RouterOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Redis is optional: with it, replicas share rate-limit counters and latency averages, and read the quality
        // scores the FeedbackWorker publishes; without it (or while it is down) each replica decides alone.
        // A host that already has a client for that Redis (the orchestrator) shares it.
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName))
            && !builder.Services.Any(service => service.ServiceType == typeof(IConnectionMultiplexer)))
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
        builder.Services.AddSingleton<RouterEngine>();
        return builder;
    }
}

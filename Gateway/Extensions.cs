using AiAspire.Gateway.Admin;
using AiAspire.Gateway.Authentication;
using AiAspire.Gateway.Proxying;
using AiAspire.Gateway.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiAspire.Gateway;

public static class Extensions
{
    public const string RedisConnectionName = "cache";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Configuration keys (the bootstrap key) are asked first, then the keys stored in Redis when there is one.
        builder.Services.AddSingleton<ConfiguredApiKeyStore>();
        builder.Services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<ConfiguredApiKeyStore>());
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RedisConnectionName)))
        {
            builder.AddRedisClient(RedisConnectionName);
            builder.Services.AddSingleton<RedisApiKeyStore>();
            builder.Services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<RedisApiKeyStore>());
            builder.Services.AddSingleton<IApiKeyAdmin>(sp => sp.GetRequiredService<RedisApiKeyStore>());
            builder.Services.AddSingleton<RedisRateLimiter>();
            builder.Services.AddSingleton<AdmissionCredits>();
            builder.Services.AddSingleton<TenantLimitStore>();
        }
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<ApiKeyMiddleware>();
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RateLimitMiddleware>();
        builder.Services.AddOptions<OverloadOptions>().BindConfiguration(OverloadOptions.Section)
            .Validate(o => o.RetryAfter >= TimeSpan.Zero && o.Routes.Values.Append(o.Default).All(r =>
                    (r.PermitLimit is null or >= 0) && (r.QueueLimit is null or >= 0) && (r.QueueTimeout is null || r.QueueTimeout > TimeSpan.Zero)),
                "Gateway:Overload: limits must be at least 0, queue timeouts positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<LoadShedder>();

        var cors = builder.Configuration.GetSection(GatewayCorsOptions.Section).Get<GatewayCorsOptions>() ?? new();
        builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy
            .WithOrigins(cors.Origins)
            .WithMethods("GET", "POST", "PUT", "DELETE")
            .WithHeaders("Authorization", "api-key", "Content-Type", AiAspire.Contracts.AiAspireHeaders.RequestId, "traceparent")
            .WithExposedHeaders(AiAspire.Contracts.AiAspireHeaders.RequestId, "Retry-After",
                "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
                "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        builder.Services.AddRequestTimeouts();
        // Kestrel reads only endpoints and certificates from its section: without this, Kestrel:Limits (the body limit) is ignored.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
            builder.Configuration.GetSection("Kestrel:Limits").Bind(options.Limits));

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.UseChunkedBodyLimit();
        app.UseSecurityHeaders();
        app.UseRequestCorrelation();

        // The web UI (wwwroot) is public, like any page: it asks the user for a key and sends it on every API call.
        // Only files that exist are served, before the proxy and its key check; every other path still reaches YARP or 404s.
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.UseCors();
        app.UseRequestTimeouts();

        // Subscribe to revocations before the first request, so no replica caches a key it would not hear revoked.
        app.Services.GetService<RedisApiKeyStore>();
        app.Services.GetService<TenantLimitStore>();
        app.MapApiKeysApi();
        app.MapTenantLimitsApi();

        var apiKeys = app.Services.GetRequiredService<ApiKeyMiddleware>();
        var rateLimits = app.Services.GetRequiredService<RateLimitMiddleware>();
        var shedder = app.Services.GetRequiredService<LoadShedder>();
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(RouteTimeout.InvokeAsync);
            proxy.Use(BodyLimitMiddleware.InvokeAsync);
            proxy.Use(apiKeys.InvokeAsync);
            proxy.Use(shedder.InvokeAsync);
            proxy.Use(rateLimits.InvokeAsync);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}

using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section);
        builder.Services.AddSingleton<IApiKeyStore, ConfiguredApiKeyStore>();
        builder.Services.AddSingleton<ApiKeyMiddleware>();

        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        var apiKeys = app.Services.GetRequiredService<ApiKeyMiddleware>();
        app.MapReverseProxy(proxy => proxy.Use(apiKeys.InvokeAsync));
        return app;
    }
}

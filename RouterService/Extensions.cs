using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using AiAspire.RouterService.Providers;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.Strategies;

namespace AiAspire.RouterService;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section);
        builder.Services.AddOptions<RouterOptions>().BindConfiguration(RouterOptions.Section);

        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<OfflineChatClient>();
        builder.Services.AddSingleton<ChatClientFactory>();
        builder.Services.AddSingleton<IRoutingStrategy, PriorityStrategy>();
        builder.Services.AddSingleton<RoutePlanner>();
        builder.Services.AddSingleton<CompletionRouter>();
        return builder;
    }
}

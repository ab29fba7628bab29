using AiAspire.Contracts.Router;

namespace AiAspire.RouterService;

public static class Extensions
{
    /// <summary>The router's engine (<see cref="RouterEngineExtensions.AddRouterEngine"/>) and the JSON its endpoints write.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRouterEngine();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, RouterJsonContext.Default));
        return builder;
    }
}

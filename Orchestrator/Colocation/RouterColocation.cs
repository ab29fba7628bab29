using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Clients;
using AiAspire.RouterService;
using Polly;

namespace AiAspire.Orchestrator.Colocation;

public static class RouterColocation
{
    /// <summary>Configuration switch: run the router's engine in this process instead of calling RouterService.</summary>
    public const string Setting = "Colocation:Router";

    /// <summary>
    /// The router's calls: to RouterService over HTTP (the default), or, when <see cref="Setting"/> is true, to the
    /// router's engine in this process (<see cref="ColocatedRouterClient"/>) configured from this process's
    /// <c>Catalog</c>, <c>Router</c> and <c>Providers</c> sections and sharing its Redis connection.
    /// </summary>
    public static IHostApplicationBuilder AddRouterClients(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool>(Setting))
        {
            builder.AddRouterEngine();
            builder.Services.AddSingleton<ColocatedRouterClient>();
            builder.Services.AddSingleton<IRouterClient>(sp => sp.GetRequiredService<ColocatedRouterClient>());
            builder.Services.AddSingleton<IModelLimitsClient>(sp => sp.GetRequiredService<ColocatedRouterClient>());
            return builder;
        }

        builder.Services.AddHttpClient<IModelLimitsClient, ModelLimitsClient>(nameof(ModelLimitsClient), http => http.BaseAddress = new("https+http://routerservice"))
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ForwardedIdentityHandler>();
        // The router falls back across providers itself and answers can take minutes: no retries, one long timeout.
        // (RemoveAllResilienceHandlers is marked experimental; it is the documented way to replace the default handler.)
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient<IRouterClient, RouterClient>(nameof(RouterClient), http =>
            {
                http.BaseAddress = new("https+http://routerservice");
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ForwardedIdentityHandler>()
            .RemoveAllResilienceHandlers()
            .AddResilienceHandler("router", pipeline => pipeline.AddTimeout(TimeSpan.FromMinutes(5)));
#pragma warning restore EXTEXP0001
        return builder;
    }
}

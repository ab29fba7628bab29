using Microsoft.Extensions.Configuration;

namespace AiAspire.AppHost.Extensions;

public static class RouterColocation
{
    /// <summary>AppHost setting: run the router's engine inside the orchestrator (RouterService keeps running for explain and direct calls).</summary>
    public const string Setting = "Orchestrator:ColocateRouter";

    /// <summary>The router's configuration sections the co-located engine reads (catalog, routing, provider credentials).</summary>
    private static readonly string[] ForwardedPrefixes = ["Catalog__", "Router__", "Providers__"];

    /// <summary>
    /// When <see cref="Setting"/> is true, the orchestrator runs the router's engine itself (<c>Colocation__Router=true</c>)
    /// and gets the router's configuration: every <c>Catalog__*</c>, <c>Router__*</c> and <c>Providers__*</c> variable the
    /// <paramref name="router"/> resource gets, evaluated from its environment callbacks when the orchestrator's environment
    /// is built, so settings added to <c>routerservice</c> later (provider credentials, a test's or a benchmark's catalog)
    /// reach the co-located router too. Redis is the orchestrator's own reference (the same server).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithColocatedRouter(this IResourceBuilder<ProjectResource> orchestrator, IResourceBuilder<ProjectResource> router)
    {
        if (!orchestrator.ApplicationBuilder.Configuration.GetValue(Setting, false))
        {
            return orchestrator;
        }
        return orchestrator
            .WithEnvironment("Colocation__Router", "true")
            .WithEnvironment(async context =>
            {
                var routerEnvironment = new Dictionary<string, object>();
                var routerContext = new EnvironmentCallbackContext(context.ExecutionContext, router.Resource, routerEnvironment, context.CancellationToken);
                foreach (var callback in router.Resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
                {
                    await callback.Callback(routerContext);
                }
                foreach (var (name, value) in routerEnvironment)
                {
                    if (ForwardedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                    {
                        context.EnvironmentVariables[name] = value;
                    }
                }
            });
    }
}

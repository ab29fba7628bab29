using Microsoft.Extensions.Configuration;

namespace AiAspire.AppHost.Extensions;

public static class GuardrailColocation
{
    /// <summary>AppHost setting: the orchestrator runs the guard engine in its own process.</summary>
    public const string Setting = "Orchestrator:ColocateGuardrails";

    private const string GuardrailsPrefix = "Guardrails__";

    /// <summary>
    /// When <c>Orchestrator:ColocateGuardrails</c> is true, the orchestrator checks its requests with the guard engine
    /// in its own process (<c>Colocation__Guardrails=true</c>) instead of calling GuardrailService: no guard hop on a
    /// chat request. It gets every <c>Guardrails__*</c> setting the guard service gets, so both decide alike (the
    /// engine's defaults are the same in both; the vault is the Redis both already reference). GuardrailService keeps
    /// running: the gateway serves <c>/v1/guard/*</c> from it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithColocatedGuardrails(
        this IResourceBuilder<ProjectResource> orchestrator, IResourceBuilder<ProjectResource> guardrails)
    {
        if (!orchestrator.ApplicationBuilder.Configuration.GetValue<bool>(Setting))
        {
            return orchestrator;
        }
        return orchestrator.WithEnvironment(async context =>
        {
            context.EnvironmentVariables["Colocation__Guardrails"] = "true";
            // The guard's environment as it is being built for the same run or publish: its own callbacks, read here.
            var guard = new EnvironmentCallbackContext(context.ExecutionContext, guardrails.Resource, cancellationToken: context.CancellationToken);
            foreach (var callback in guardrails.Resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(guard);
            }
            foreach (var (name, value) in guard.EnvironmentVariables)
            {
                if (name.StartsWith(GuardrailsPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    context.EnvironmentVariables[name] = value;
                }
            }
        });
    }
}

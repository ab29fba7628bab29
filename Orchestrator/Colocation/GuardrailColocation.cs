using AiAspire.GuardrailService;
using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Colocation;

public static class GuardrailColocation
{
    /// <summary>Configuration switch: run the guard engine in this process instead of calling GuardrailService.</summary>
    public const string Setting = "Colocation:Guardrails";

    /// <summary>
    /// The guard's calls: to GuardrailService over HTTP (the default), or, when <see cref="Setting"/> is true, to the
    /// guard engine in this process behind <see cref="IGuardrailClient"/>: the input and output checks of every chat
    /// request (and one per stream window) are method calls instead of HTTP hops. The engine reads the same
    /// <c>Guardrails:*</c> settings GuardrailService reads (its defaults are the engine's own), and keeps its vault and
    /// stream tails in this orchestrator's Redis (<c>cache</c>, the one the AppHost gives GuardrailService too).
    /// GuardrailService keeps serving <c>/v1/guard/*</c> to tenants.
    /// </summary>
    public static IHostApplicationBuilder AddGuardrailClients(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool>(Setting))
        {
            builder.AddGuardrailEngine();
            builder.Services.AddSingleton<IGuardrailClient, ColocatedGuardrailClient>();
            return builder;
        }

        builder.Services.AddHttpClient<IGuardrailClient, GuardrailClient>(http => http.BaseAddress = new("https+http://guardrailservice"))
            .RemoveAllLoggers()
            .AddHttpMessageHandler<ForwardedIdentityHandler>();
        return builder;
    }
}

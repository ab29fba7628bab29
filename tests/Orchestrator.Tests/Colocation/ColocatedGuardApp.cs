using AiAspire.Orchestrator.Colocation;
using Microsoft.AspNetCore.Hosting;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The co-located topology: the guard engine inside the orchestrator (<c>Colocation:Guardrails</c>), no GuardrailService.</summary>
public sealed class ColocatedGuardApp : GuardModeApp
{
    protected override Task StartGuardrailsAsync() => Task.CompletedTask;

    protected override void ConfigureOrchestrator(IWebHostBuilder builder)
    {
        builder.UseSetting(GuardrailColocation.Setting, "true");
        ConfigureGuardEngine(builder);
    }
}

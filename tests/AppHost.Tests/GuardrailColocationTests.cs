using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.AppHost.Extensions;

namespace AiAspire.AppHost.Tests;

/// <summary><c>Orchestrator:ColocateGuardrails</c>: the orchestrator runs the guard engine itself, with the guard service's settings.</summary>
public sealed class GuardrailColocationTests
{
    [Fact]
    public async Task ByDefault_TheOrchestratorCallsGuardrailService()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=containers"]);

        var environment = await ResourceEnvironment.OfAsync(builder, "orchestrator");

        Assert.False(environment.ContainsKey("Colocation__Guardrails"));
        Assert.Contains("services__guardrailservice__http__0", environment.Keys);
    }

    [Fact]
    public async Task WhenConfigured_TheOrchestratorRunsTheEngine_WithTheGuardServicesGuardrailSettings()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=containers", $"--{GuardrailColocation.Setting}=true"]);
        var guardrails = builder.CreateResourceBuilder((ProjectResource)ResourceEnvironment.Named(builder, "guardrailservice"));
        guardrails.WithEnvironment("Guardrails__Policy__Tenants__bank__Pii__IBAN", "Block")
            .WithEnvironment("Guardrails__Limits__MaxCharacters", "50000")
            .WithEnvironment("Unrelated__Setting", "guard-only");

        var orchestrator = await ResourceEnvironment.OfAsync(builder, "orchestrator");
        var guard = await ResourceEnvironment.OfAsync(builder, "guardrailservice");

        Assert.Equal("true", orchestrator["Colocation__Guardrails"]);
        Assert.Equal("Block", orchestrator["Guardrails__Policy__Tenants__bank__Pii__IBAN"]);
        Assert.Equal("50000", orchestrator["Guardrails__Limits__MaxCharacters"]);
        Assert.False(orchestrator.ContainsKey("Unrelated__Setting"));
        // The engine keeps its vault in the Redis the guard service uses.
        Assert.Equal(guard["ConnectionStrings__cache"], orchestrator["ConnectionStrings__cache"]);
        // GuardrailService still runs: the gateway serves /v1/guard/* from it.
        Assert.Contains(builder.Resources, r => r.Name == "guardrailservice");
    }

}

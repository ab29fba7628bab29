using System.Text.Json;
using AiAspire.GuardrailService.Api;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Policy;
using AiAspire.GuardrailService.Tests.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Tests;

/// <summary>
/// <c>AddGuardrailEngine</c> is all a host needs for the engine's settings: a host that runs it in process (the
/// orchestrator's co-located mode) binds the same options as GuardrailService, and its own configuration still wins.
/// </summary>
public sealed class EngineRegistrationTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    [Fact]
    public void AnyHost_GetsTheServicesDefaults()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddGuardrailEngine();
        using var host = builder.Build();

        Assert.Equal(Json(app.Factory.Services.GetRequiredService<IOptions<GuardPolicyOptions>>().Value), Json(host.Services.GetRequiredService<IOptions<GuardPolicyOptions>>().Value));
        Assert.Equal(Json(app.Factory.Services.GetRequiredService<IOptions<GuardLimitsOptions>>().Value), Json(host.Services.GetRequiredService<IOptions<GuardLimitsOptions>>().Value));
        Assert.Equal(Json(app.Factory.Services.GetRequiredService<IOptions<InjectionClassifierOptions>>().Value), Json(host.Services.GetRequiredService<IOptions<InjectionClassifierOptions>>().Value));
        var policy = host.Services.GetRequiredService<IOptions<GuardPolicyOptions>>().Value.Default;
        Assert.Equal(ContentAction.Flag, policy.Content.Categories["misinformation"]);
    }

    [Fact]
    public void TheHostsOwnConfiguration_OverridesTheDefaults()
    {
        var builder = Host.CreateApplicationBuilder();
        // As appsettings, environment or command line would: a source of the host's own.
        builder.Configuration.AddInMemoryCollection([new("Guardrails:Limits:MaxCharacters", "10")]);
        builder.AddGuardrailEngine();
        using var host = builder.Build();

        Assert.Equal(10, host.Services.GetRequiredService<IOptions<GuardLimitsOptions>>().Value.MaxCharacters);
        Assert.Equal(1_000, host.Services.GetRequiredService<IOptions<GuardLimitsOptions>>().Value.MaxMessages);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}

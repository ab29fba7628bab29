extern alias guardrailservice;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The default topology: GuardrailService listening on 127.0.0.1, called over HTTP.</summary>
public sealed class ServiceGuardApp : GuardModeApp
{
    private WebApplicationFactory<guardrailservice::Program>? _guardrails;
    private string _guardrailsAddress = "";

    protected override Task StartGuardrailsAsync()
    {
        _guardrails = new WebApplicationFactory<guardrailservice::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString)
                .UseSetting("Logging:LogLevel:Default", "Warning");
            ConfigureGuardEngine(builder);
        });
        _guardrailsAddress = _guardrails.StartOnLoopback();
        return Task.CompletedTask;
    }

    protected override void ConfigureOrchestrator(IWebHostBuilder builder) =>
        builder.UseSetting("services:guardrailservice:http:0", _guardrailsAddress);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_guardrails is not null)
        {
            await _guardrails.DisposeAsync();
        }
    }
}

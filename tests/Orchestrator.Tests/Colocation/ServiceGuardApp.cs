extern alias guardrailservice;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

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
        _guardrails.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _guardrails.StartServer();
        _guardrailsAddress = _guardrails.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
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

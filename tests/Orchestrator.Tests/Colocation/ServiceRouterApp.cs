extern alias routerservice;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>RouterService in its own host on 127.0.0.1, called over HTTP as in the default topology.</summary>
public sealed class ServiceRouterApp : RouterModeApp
{
    private WebApplicationFactory<routerservice::Program>? _router;

    protected override Task StartRouterAsync(IReadOnlyDictionary<string, string> router, Dictionary<string, string> orchestrator)
    {
        _router = new WebApplicationFactory<routerservice::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in router)
            {
                builder.UseSetting(key, value);
            }
        });
        orchestrator["services:routerservice:http:0"] = _router.StartOnLoopback();
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_router is not null)
        {
            await _router.DisposeAsync();
        }
    }
}

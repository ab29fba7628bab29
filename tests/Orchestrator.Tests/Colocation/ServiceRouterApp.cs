extern alias routerservice;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

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
        _router.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _router.StartServer();
        var address = _router.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        orchestrator["services:routerservice:http:0"] = address.TrimEnd('/');
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

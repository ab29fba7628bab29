using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.Orchestrator.Tests.Colocation;

internal static class LoopbackFactory
{
    /// <summary>Starts a real service on Kestrel at 127.0.0.1 (a free port); returns its address, <c>http://127.0.0.1:port</c>.</summary>
    public static string StartOnLoopback<TProgram>(this WebApplicationFactory<TProgram> factory) where TProgram : class
    {
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }
}

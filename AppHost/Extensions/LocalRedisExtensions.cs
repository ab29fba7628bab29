using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.AppHost.Extensions;

public static class LocalRedisExtensions
{
    public const string InstallHint =
        "redis-server was not found on PATH. The local profile runs Redis as a process: install it " +
        "(Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis; Windows: use WSL or Memurai), " +
        "or start Docker or Podman and run with Infrastructure:Mode=containers.";

    /// <summary>Runs redis-server on a free loopback port, with its append-only file under <paramref name="dataPath"/>.</summary>
    /// <exception cref="DistributedApplicationException">redis-server is not on PATH.</exception>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, string dataPath)
    {
        var command = ExecutableFinder.Find("redis-server") ?? throw new DistributedApplicationException(InstallHint);
        Directory.CreateDirectory(dataPath);
        var port = FreeLoopbackPort();

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{port},abortConnect=false,connectTimeout=2000", name: healthCheckKey);

        return builder.AddResource(new LocalRedisResource(name, command, dataPath))
            .WithEndpoint(name: LocalRedisResource.PrimaryEndpointName, port: port, targetPort: port, scheme: "tcp", isProxied: false)
            .WithArgs(
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--dir", dataPath,
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "everysec")
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>
    /// A free port below the kernel's ephemeral range (32768 on Linux by default): Redis keeps its port across a
    /// restart from the dashboard, and a port from <c>bind(0)</c> may meanwhile become some outgoing connection's.
    /// </summary>
    private static int FreeLoopbackPort()
    {
        const int Lowest = 20_000, Highest = 32_000;
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, Highest);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }
}

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
    /// <exception cref="InvalidOperationException">No free loopback port below the ephemeral range was found.</exception>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, string dataPath)
    {
        var command = ExecutableFinder.Find("redis-server") ?? throw new DistributedApplicationException(InstallHint);
        Directory.CreateDirectory(dataPath);
        // Below the ephemeral range: Redis keeps its port across a restart from the dashboard, and a port from bind(0)
        // may meanwhile become some outgoing connection's.
        var port = LoopbackPortPicker.Reserve();

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
}

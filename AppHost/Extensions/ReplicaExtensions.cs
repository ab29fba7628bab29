using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AiAspire.AppHost.Extensions;

public static class ReplicaExtensions
{
    public const int MaxReplicas = 100;

    /// <summary>
    /// Runs <c>&lt;section&gt;:Replicas</c> instances of the project (1 when unset). Several replicas share the
    /// endpoint through Aspire's proxy locally and the container app's ingress when deployed; the services keep
    /// their state (limits, keys, conversations, caches, events) in Redis and the bus, so any replica can serve
    /// any request.
    /// </summary>
    /// <exception cref="DistributedApplicationException">The setting is not a whole number from 1 to <see cref="MaxReplicas"/>.</exception>
    public static IResourceBuilder<ProjectResource> WithConfiguredReplicas(this IResourceBuilder<ProjectResource> project, string section)
    {
        var replicas = ConfiguredReplicas(project.ApplicationBuilder.Configuration, section);
        return replicas == 1 ? project : project.WithReplicas(replicas);
    }

    internal static int ConfiguredReplicas(IConfiguration configuration, string section)
    {
        var key = $"{section}:Replicas";
        var configured = configuration[key];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return 1;
        }
        if (!int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas is < 1 or > MaxReplicas)
        {
            throw new DistributedApplicationException($"{key} is '{configured}'; use a whole number from 1 to {MaxReplicas}.");
        }
        return replicas;
    }
}

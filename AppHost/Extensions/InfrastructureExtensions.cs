using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace AiAspire.AppHost.Extensions;

public static class InfrastructureExtensions
{
    public const string CacheName = "cache";
    public const string EventsName = "events";
    public const string VectorsName = "vectors";

    /// <summary>Adds Redis, Kafka and Qdrant as the profile chosen by <c>Infrastructure:Mode</c> says.</summary>
    public static Infrastructure AddInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = ResolveMode(builder);
        var dataPath = Path.GetFullPath(builder.Configuration["Infrastructure:DataPath"]
            ?? Path.Combine(builder.AppHostDirectory, ".data"));

        if (mode == InfrastructureMode.Local)
        {
            var localCache = builder.AddLocalRedis(CacheName, Path.Combine(dataPath, "redis"));
            return new Infrastructure(mode, localCache, null, null, dataPath);
        }

        var cache = builder.AddRedis(CacheName).WithDataVolume();
        var vectors = builder.AddQdrant(VectorsName).WithDataVolume();
        if (builder.Configuration.GetValue($"{ExternalKafkaExtensions.Section}:External", false))
        {
            return new Infrastructure(mode, Upcast(cache), null, Upcast(vectors), dataPath, builder.AddExternalKafka(EventsName));
        }
        var events = builder.AddKafka(EventsName).WithDataVolume();
        return new Infrastructure(mode, Upcast(cache), Upcast(events), Upcast(vectors), dataPath);
    }

    /// <summary>The event bus: Kafka when the profile has it, run or external (Redis Streams on <c>cache</c> otherwise).</summary>
    public static IResourceBuilder<ProjectResource> WithEventBus(this IResourceBuilder<ProjectResource> project, Infrastructure infrastructure)
    {
        if (infrastructure.Events is { } events)
        {
            project.WithReference(events).WaitFor(events);
        }
        if (infrastructure.ExternalEvents is { } external)
        {
            project.WithExternalKafka(external);
        }
        return project;
    }

    /// <summary>Qdrant when the profile has it, else the embedded index persisted under the data folder.</summary>
    public static IResourceBuilder<ProjectResource> WithVectorStore(this IResourceBuilder<ProjectResource> project, Infrastructure infrastructure)
    {
        if (infrastructure.Vectors is { } vectors)
        {
            project.WithReference(vectors).WaitFor(vectors);
        }
        if (project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            project.WithEnvironment("Rag__DataPath", Path.Combine(infrastructure.DataPath, project.Resource.Name));
        }
        return project;
    }

    private static InfrastructureMode ResolveMode(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        var configured = builder.Configuration["Infrastructure:Mode"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = nameof(InfrastructureMode.Auto);
        }
        if (!Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new DistributedApplicationException(
                $"Infrastructure:Mode is '{configured}'; use auto, containers or local.");
        }

        return mode == InfrastructureMode.Auto
            ? ContainerRuntimeAnswers("docker") || ContainerRuntimeAnswers("podman") ? InfrastructureMode.Containers : InfrastructureMode.Local
            : mode;
    }

    /// <summary>True when <c>&lt;runtime&gt; info</c> exits 0 within a few seconds.</summary>
    internal static bool ContainerRuntimeAnswers(string runtime)
    {
        if (ExecutableFinder.Find(runtime) is not { } path)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static IResourceBuilder<IResourceWithConnectionString> Upcast<T>(IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        resource.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);
}

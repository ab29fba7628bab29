using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Integration.Tests;

/// <summary>
/// The start-up every whole-app fixture shares: the AppHost in the local profile (redis-server as a process) with its
/// data under a fresh temporary folder, off the fixed ports, quiet logs, and a fake OpenAI-compatible upstream
/// configured in the router as the deployment <see cref="FakeDeployment"/>.
/// </summary>
internal static class WholeApp
{
    public const string FakeDeployment = "fake-gpt";

    /// <summary>A fresh folder for one app's Redis file, indexes and spill files; <see cref="DisposeAsync"/> deletes it.</summary>
    public static string NewDataPath(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");

    /// <summary>The testing builder with the shared arguments, then <paramref name="arguments"/>, and the upstream wired in.</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(
        string dataPath, FakeOpenAIServer upstream, params string[] arguments)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataPath={dataPath}",
            "--Gateway:Port=0",
            "--DcpPublisher:RandomizePorts=true",
            .. arguments,
        ]);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning));
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());

        builder.CreateResourceBuilder<ProjectResource>("routerservice")
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__Provider", "openai-compatible")
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__Endpoint", upstream.V1Endpoint)
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__ApiKey", "fake-upstream-key")
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__ModelId", "fake-model");

        // No dashboard runs under the testing host, yet AppHost points every service at its OTLP endpoint: exporting to
        // nowhere costs CPU on every request and keeps failed batches in memory. Telemetry is still recorded.
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(service).WithEnvironment(context =>
            {
                foreach (var variable in context.EnvironmentVariables.Keys.Where(k => k.StartsWith("OTEL_EXPORTER_OTLP_", StringComparison.Ordinal)).ToList())
                {
                    context.EnvironmentVariables.Remove(variable);
                }
            });
        }
        return builder;
    }

    /// <summary>Builds and starts the app, and waits until the gateway is healthy.</summary>
    public static async Task<DistributedApplication> StartAsync(IDistributedApplicationTestingBuilder builder, CancellationToken cancellationToken)
    {
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", cancellationToken);
        return app;
    }

    /// <summary>Stops the app and the upstream, and deletes the data folder.</summary>
    public static async Task DisposeAsync(DistributedApplication? app, FakeOpenAIServer upstream, string dataPath)
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        await upstream.DisposeAsync();
        try
        {
            Directory.Delete(dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

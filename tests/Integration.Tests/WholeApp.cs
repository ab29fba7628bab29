using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
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

    /// <summary>
    /// Makes <paramref name="services"/> listen on fixed ports of their own, unproxied: DCP's proxy would hold a
    /// caller's connection while such a service is down (waiting for it to come back) instead of refusing it, as a
    /// dead service's address does in production.
    /// </summary>
    public static void Unproxied(IDistributedApplicationTestingBuilder builder, params ReadOnlySpan<string> services)
    {
        foreach (var service in services)
        {
            var port = LoopbackPorts.Reserve();
            builder.CreateResourceBuilder<ProjectResource>(service)
                .WithEndpoint("http", endpoint => (endpoint.IsProxied, endpoint.Port, endpoint.TargetPort) = (false, port, port));
        }
    }

    /// <summary>A client for <paramref name="address"/>; with <paramref name="apiKey"/> it authenticates as that key.</summary>
    public static HttpClient CreateClient(Uri address, string? apiKey, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = timeout };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>
    /// Kills <paramref name="resource"/>'s service process without warning, as a crash would, and waits until Aspire
    /// sees it exited. The process is the child of the <c>dotnet run</c> Aspire started (its <c>executable.pid</c>)
    /// that carries the service's name; <c>dotnet run</c> then exits by itself. Not the stop command: DCP gives a
    /// stopping process about 12 s and, on a loaded machine, reports failure and leaves the resource half-stopped.
    /// </summary>
    public static async Task KillAsync(DistributedApplication app, string resource, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        Assert.True(app.ResourceNotifications.TryGetCurrentState(resource, out var current), $"{resource} is not in the app model.");
        var pid = Convert.ToString(current.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value, CultureInfo.InvariantCulture);
        Assert.True(int.TryParse(pid, out var launcher), $"{resource} has no process id (state {current.Snapshot.State?.Text}).");

        var services = Process.GetProcesses()
            .Where(p => string.Equals(p.ProcessName, resource, StringComparison.OrdinalIgnoreCase) && ParentOf(p.Id) == launcher)
            .ToList();
        Assert.True(services.Count == 1, $"{resource}: expected one service process under dotnet run {launcher}, found {services.Count}.");
        using (var service = services[0])
        {
            service.Kill();
        }
        await app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, deadline.Token);
    }

    /// <summary>The parent process id, from /proc (Linux, where these tests run); 0 when the process is gone.</summary>
    private static int ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
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

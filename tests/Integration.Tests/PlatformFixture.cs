using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Integration.Tests;

/// <summary>
/// The whole platform in the local profile (redis-server as a process), started once for the collection, with a
/// fake OpenAI-compatible upstream configured in the router as the deployment <see cref="FakeDeployment"/>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public const string DevApiKey = "sk-aiaspire-dev";
    public const string FakeDeployment = "fake-gpt";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "aiaspire-it-" + Guid.NewGuid().ToString("N"));
    private DistributedApplication? _app;

    public FakeOpenAIServer Upstream { get; } = new();

    /// <summary>The gateway's address: everything the tests do goes through it.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "--Infrastructure:Mode=local",
            $"--Infrastructure:DataPath={_dataPath}",
            "--Gateway:Port=0",
            "--DcpPublisher:RandomizePorts=true",
        ]);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning));
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());

        var router = builder.CreateResourceBuilder<ProjectResource>("routerservice");
        router.WithEnvironment($"Catalog__Deployments__{FakeDeployment}__Provider", "openai-compatible")
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__Endpoint", Upstream.V1Endpoint)
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__ApiKey", "fake-upstream-key")
            .WithEnvironment($"Catalog__Deployments__{FakeDeployment}__ModelId", "fake-model");

        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(StartupTimeout);
        await _app.StartAsync(startup.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", startup.Token);

        using var probe = _app.CreateHttpClient("gateway");
        GatewayAddress = probe.BaseAddress!;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Upstream.DisposeAsync();
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A client straight to a service, bypassing the gateway (to show what the gateway protects).</summary>
    public HttpClient CreateServiceClient(string resource) => _app!.CreateHttpClient(resource);

    /// <summary>A client for the gateway; with <paramref name="apiKey"/> it authenticates as that key.</summary>
    public HttpClient CreateClient(string? apiKey = DevApiKey)
    {
        var client = new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

using Aspire.Hosting;
using Aspire.Hosting.Testing;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests;

/// <summary>
/// The whole platform in the local profile (redis-server as a process), started once for the collection, with a
/// fake OpenAI-compatible upstream configured in the router as the deployment <see cref="FakeDeployment"/>.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime, IWholePlatform
{
    public const string DevApiKey = "sk-aiaspire-dev";
    public const string FakeDeployment = WholeApp.FakeDeployment;

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataPath = WholeApp.NewDataPath("aiaspire-it");
    private DistributedApplication? _app;

    public FakeOpenAIServer Upstream { get; } = new();

    /// <summary>The gateway's address: everything the tests do goes through it.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        var builder = await WholeApp.CreateBuilderAsync(_dataPath, Upstream);
        using var startup = new CancellationTokenSource(StartupTimeout);
        _app = await WholeApp.StartAsync(builder, startup.Token);

        using var probe = _app.CreateHttpClient("gateway");
        GatewayAddress = probe.BaseAddress!;
    }

    public Task DisposeAsync() => WholeApp.DisposeAsync(_app, Upstream, _dataPath);

    /// <summary>The running app model (resources, logs, parameters) for tests that inspect it.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The platform has not started.");

    /// <summary>A client straight to a service, bypassing the gateway (to show what the gateway protects).</summary>
    public HttpClient CreateServiceClient(string resource) => _app!.CreateHttpClient(resource);

    /// <summary>A client for the gateway; with <paramref name="apiKey"/> it authenticates as that key.</summary>
    public HttpClient CreateClient(string? apiKey = DevApiKey) => WholeApp.CreateClient(GatewayAddress, apiKey, TimeSpan.FromSeconds(120));
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

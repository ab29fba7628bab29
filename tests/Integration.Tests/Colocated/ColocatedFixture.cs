using Aspire.Hosting;
using Aspire.Hosting.Testing;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests.Colocated;

/// <summary>
/// The whole platform in the co-located topology (<c>Orchestrator:ColocateGuardrails</c>, <c>Orchestrator:ColocateRouter</c>):
/// the orchestrator runs the guard and router engines in its own process. To show that a chat request then depends
/// on neither service, both are killed once the platform is up; they listen unproxied on ports of their own, so a
/// request that still went to them would be refused at once rather than wait on Aspire's proxy.
/// </summary>
public sealed class ColocatedFixture : IAsyncLifetime, IWholePlatform
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(90);

    private readonly string _dataPath = WholeApp.NewDataPath("aiaspire-colocated");
    private DistributedApplication? _app;

    public FakeOpenAIServer Upstream { get; } = new();

    public Uri GatewayAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        var builder = await WholeApp.CreateBuilderAsync(_dataPath, Upstream,
            "--Orchestrator:ColocateGuardrails=true",
            "--Orchestrator:ColocateRouter=true");
        WholeApp.Unproxied(builder, "guardrailservice", "routerservice");
        using var startup = new CancellationTokenSource(StartupTimeout);
        _app = await WholeApp.StartAsync(builder, startup.Token);
        using var probe = _app.CreateHttpClient("gateway");
        GatewayAddress = probe.BaseAddress!;

        await WholeApp.KillAsync(_app, "guardrailservice", KillTimeout);
        await WholeApp.KillAsync(_app, "routerservice", KillTimeout);
    }

    public Task DisposeAsync() => WholeApp.DisposeAsync(_app, Upstream, _dataPath);

    public HttpClient CreateClient(string? apiKey = PlatformFixture.DevApiKey) => WholeApp.CreateClient(GatewayAddress, apiKey, TimeSpan.FromSeconds(120));
}

/// <summary>Runs alone (not beside the other whole-app collections): two platforms at once would only compete for the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ColocatedCollection : ICollectionFixture<ColocatedFixture>
{
    public const string Name = "colocated";
}

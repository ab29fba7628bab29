using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiAspire.Integration.Tests.Faults;

/// <summary>
/// The whole platform in the local profile, started once for the fault tests, which stop and start its resources
/// with Aspire's resource commands. Each test has a tenant of its own (a configured key with the chat, quality,
/// ingest and retrieve scopes), so its figures in the FeedbackWorker's read models are its requests alone. Request
/// limits fail closed (<c>Gateway:RateLimits:Requests:FailOpen=false</c>), the other kinds keep the default (open):
/// only a tenant given a requests-per-minute override is affected. Spill files live under the app's data folder.
/// </summary>
public sealed class FaultsFixture : IAsyncLifetime
{
    public const string DevApiKey = "sk-aiaspire-dev";

    /// <summary>The tenants the tests use, one each.</summary>
    public static readonly IReadOnlyList<string> Tenants =
        ["fault-guard", "fault-rag", "fault-router", "fault-redis", "fault-strict", "fault-feedback"];

    /// <summary>Generous for a restart on a slow, busy 2-core machine.</summary>
    public static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private readonly string _dataPath = WholeApp.NewDataPath("aiaspire-faults");
    private readonly Dictionary<string, string> _keys = Tenants.ToDictionary(t => t, _ => "sk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
    private DistributedApplication? _app;

    public FakeOpenAIServer Upstream { get; } = new();

    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The local Redis (<c>host:port</c>): the tests read the event stream's consumer group from it.</summary>
    public string RedisConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        var builder = await WholeApp.CreateBuilderAsync(_dataPath, Upstream);
        // Health checks and retries failing while a resource is stopped is the point here, not news.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Polly", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));

        var gateway = builder.CreateResourceBuilder<ProjectResource>("gateway")
            .WithEnvironment("Gateway__RateLimits__Requests__FailOpen", "false");
        foreach (var (tenant, key) in _keys)
        {
            gateway.WithEnvironment($"Gateway__Keys__{tenant}__Key", key)
                .WithEnvironment($"Gateway__Keys__{tenant}__Tenant", tenant)
                .WithEnvironment($"Gateway__Keys__{tenant}__Scopes__0", "chat")
                .WithEnvironment($"Gateway__Keys__{tenant}__Scopes__1", "quality")
                .WithEnvironment($"Gateway__Keys__{tenant}__Scopes__2", "ingest")
                .WithEnvironment($"Gateway__Keys__{tenant}__Scopes__3", "retrieve");
        }
        // The services killed here listen on their own fixed ports, unproxied (see WholeApp.Unproxied).
        WholeApp.Unproxied(builder, "guardrailservice", "ragservice", "routerservice");
        foreach (var publisher in (ReadOnlySpan<string>)["orchestrator", "feedbackworker"])
        {
            builder.CreateResourceBuilder<ProjectResource>(publisher)
                .WithEnvironment("EventBus__SpillPath", SpillPath(publisher));
        }

        using var startup = new CancellationTokenSource(StartupTimeout);
        _app = await WholeApp.StartAsync(builder, startup.Token);
        using var probe = _app.CreateHttpClient("gateway");
        GatewayAddress = probe.BaseAddress!;
        RedisConnectionString = await _app.GetConnectionStringAsync("cache", startup.Token)
            ?? throw new InvalidOperationException("The app has no 'cache' connection string.");

        // Healthy is not yet warm (first guard scan, first route): the tests start from a platform that answers.
        using var client = CreateClient();
        await Eventually.MatchesAsync(
            () => BackgroundLoad.SendAsync(client, FaultRequests.Completion("local", "Warm up before the faults.")),
            o => o.Status == System.Net.HttpStatusCode.OK, "the platform answers a chat request", RestartTimeout);
    }

    private string SpillPath(string publisher) => Path.Combine(_dataPath, "spill", publisher);

    public Task DisposeAsync() => WholeApp.DisposeAsync(_app, Upstream, _dataPath);

    /// <summary>A gateway client authenticated as <paramref name="tenant"/>'s key (one of <see cref="Tenants"/>), or the dev key.</summary>
    public HttpClient CreateClient(string? tenant = null) =>
        WholeApp.CreateClient(GatewayAddress, tenant is null ? DevApiKey : _keys[tenant], TimeSpan.FromSeconds(100));

    /// <summary>The size of <paramref name="publisher"/>'s spill file (events written to disk while the bus was down).</summary>
    public long SpilledBytes(string publisher)
    {
        var file = new FileInfo(Path.Combine(SpillPath(publisher), "events.spill"));
        return file.Exists ? file.Length : 0;
    }

    /// <summary>
    /// Stops <paramref name="resource"/> with Aspire's stop command (a graceful exit: Redis writes its append-only
    /// file) and waits until it has exited.
    /// </summary>
    public async Task StopAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(RestartTimeout);
        var result = await _app!.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(result.Success, $"Stopping {resource} failed: {result.Message}");
        await _app.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, timeout.Token);
    }

    /// <summary>Kills <paramref name="resource"/>'s service process, as a crash would (see <see cref="WholeApp.KillAsync"/>).</summary>
    public Task KillAsync(string resource) => WholeApp.KillAsync(_app!, resource, RestartTimeout);

    /// <summary>Starts <paramref name="resource"/> again with Aspire's start command and waits until it is healthy.</summary>
    public async Task StartAsync(string resource)
    {
        using var timeout = new CancellationTokenSource(RestartTimeout);
        var result = await _app!.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(result.Success, $"Starting {resource} failed: {result.Message}");
        await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
    }
}

/// <summary>Runs alone: the fault tests stop shared services, which would break any other collection's tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultsCollection : ICollectionFixture<FaultsFixture>
{
    public const string Name = "faults";
}

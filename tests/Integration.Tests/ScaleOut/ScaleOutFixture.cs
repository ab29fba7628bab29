using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests.ScaleOut;

/// <summary>
/// The whole platform in the local profile with <see cref="Replicas"/> replicas each of the gateway and the
/// orchestrator (<c>Gateway:Replicas</c>, <c>Orchestrator:Replicas</c>), started once for the collection. Aspire's
/// proxy spreads the shared endpoint over the replicas; each replica also listens on its own port, which the tests
/// use to send requests to a replica of their choosing.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    public const int Replicas = 2;
    public const string FakeDeployment = WholeApp.FakeDeployment;

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(6);

    private readonly string _dataPath = WholeApp.NewDataPath("aiaspire-scaleout");
    private readonly string _internalSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private DistributedApplication? _app;

    public FakeOpenAIServer Upstream { get; } = new();

    /// <summary>The gateway's shared (proxied) address.</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>Each gateway replica's own address.</summary>
    public IReadOnlyList<Uri> GatewayReplicas { get; private set; } = [];

    /// <summary>Each orchestrator replica's own address.</summary>
    public IReadOnlyList<Uri> OrchestratorReplicas { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();

        var builder = await WholeApp.CreateBuilderAsync(_dataPath, Upstream,
            $"--Gateway:Replicas={Replicas}",
            $"--Orchestrator:Replicas={Replicas}",
            $"--Parameters:internal-secret={_internalSecret}");
        using var startup = new CancellationTokenSource(StartupTimeout);
        _app = await WholeApp.StartAsync(builder, startup.Token);

        GatewayReplicas = await HealthyReplicasAsync("gateway", startup.Token);
        OrchestratorReplicas = await HealthyReplicasAsync("orchestrator", startup.Token);
        using var probe = _app.CreateHttpClient("gateway");
        GatewayAddress = probe.BaseAddress!;
    }

    public Task DisposeAsync() => WholeApp.DisposeAsync(_app, Upstream, _dataPath);

    /// <summary>A client for the gateway's shared address, or for one replica's own.</summary>
    public static HttpClient CreateClient(Uri address, string? apiKey) => WholeApp.CreateClient(address, apiKey, TimeSpan.FromSeconds(120));

    /// <summary>
    /// A client straight to one orchestrator replica, carrying the identity headers the gateway would set, signed
    /// with the platform's internal secret (HMAC-SHA256 over <c>tenant|keyId|scopes|t</c>, as ServiceDefaults' InternalSignature).
    /// </summary>
    public HttpClient CreateOrchestratorClient(Uri replica, string tenant, string keyId, string scopes)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(_internalSecret), Encoding.UTF8.GetBytes($"{tenant}|{keyId}|{scopes}|{timestamp}")));
        var client = new HttpClient { BaseAddress = replica, Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Add("x-aiaspire-tenant", tenant);
        client.DefaultRequestHeaders.Add("x-aiaspire-key-id", keyId);
        client.DefaultRequestHeaders.Add("x-aiaspire-scopes", scopes);
        client.DefaultRequestHeaders.Add("x-aiaspire-signature", $"t={timestamp};v1={mac}");
        return client;
    }

    /// <summary>
    /// The own address of each replica of <paramref name="resource"/> once all are healthy: with replicas, Aspire
    /// names each instance <c>&lt;resource&gt;-&lt;suffix&gt;</c> and passes it its own port in ASPNETCORE_URLS,
    /// while the resource's endpoint is the proxy in front of them.
    /// </summary>
    private async Task<IReadOnlyList<Uri>> HealthyReplicasAsync(string resource, CancellationToken cancellationToken)
    {
        var replicas = new Dictionary<string, Uri>();
        await foreach (var update in _app!.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != resource)
            {
                continue;
            }
            var own = update.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value?
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(url => url.StartsWith("http://", StringComparison.Ordinal));
            if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && own is not null)
            {
                replicas[update.ResourceId] = new Uri(own);
            }
            else
            {
                replicas.Remove(update.ResourceId);
            }
            if (replicas.Count == Replicas)
            {
                return [.. replicas.Values];
            }
        }
        throw new OperationCanceledException($"{resource} never had {Replicas} healthy replicas.");
    }
}

/// <summary>Runs alone (not beside the other whole-app collection): two platforms at once would only compete for the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutCollection : ICollectionFixture<ScaleOutFixture>
{
    public const string Name = "scale-out";
}

using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>
/// The real orchestrator in memory with the semantic cache on, in front of a router whose answers each test scripts,
/// embeddings that follow word overlap, and guardrails that enforce JSON schemas; its Redis is a throwaway redis-server.
/// </summary>
public sealed class ScriptedApp : IAsyncLifetime
{
    public const double Threshold = 0.9;

    public RedisServer Redis { get; } = new();
    public SchemaGuardrailService Guardrails { get; } = new();
    public EmbeddingRagService Rag { get; } = new();
    public ScriptedRouterService Router { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    private readonly string _spillRoot = Path.Combine(Path.GetTempPath(), "aiaspire-orchestrator-scripted-" + Guid.NewGuid().ToString("N"));

    public string NewSpillPath() => Path.Combine(_spillRoot, Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Redis.InitializeAsync(), Guardrails.InitializeAsync(), Rag.InitializeAsync(), Router.InitializeAsync());
        Reset();
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:cache", Redis.ConnectionString)
            .UseSetting("services:guardrailservice:http:0", Guardrails.Address)
            .UseSetting("services:ragservice:http:0", Rag.Address)
            .UseSetting("services:routerservice:http:0", Router.Address)
            .UseSetting("Cache:Semantic:Enabled", "true")
            .UseSetting("Cache:Semantic:Threshold", Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .UseSetting("EventBus:MaxRetryDelay", "00:00:01")
            .UseSetting("EventBus:SpillPath", NewSpillPath())
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .ConfigureTestServices(services => services.ConfigureAll<HttpStandardResilienceOptions>(options =>
            {
                options.Retry.Delay = TimeSpan.FromMilliseconds(10);
                options.CircuitBreaker.MinimumThroughput = int.MaxValue;
            })));
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Task.WhenAll(Guardrails.DisposeAsync(), Rag.DisposeAsync(), Router.DisposeAsync());
        await Redis.DisposeAsync();
        if (Directory.Exists(_spillRoot))
        {
            Directory.Delete(_spillRoot, recursive: true);
        }
    }

    public void Reset()
    {
        Guardrails.Reset();
        Rag.Reset();
        Router.Reset();
    }

    public HttpClient CreateClient(string tenant) => CreateClient(Factory, tenant);

    public static HttpClient CreateClient(WebApplicationFactory<Program> factory, string tenant)
    {
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        return client;
    }

    /// <summary>A tenant no other test uses, so no earlier test can have filled its caches.</summary>
    public static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Tests on <see cref="ScriptedApp"/> run one after another (they script its one router).</summary>
[CollectionDefinition(Name)]
public sealed class ScriptedCollection : ICollectionFixture<ScriptedApp>
{
    public const string Name = "scripted-orchestrator";
}

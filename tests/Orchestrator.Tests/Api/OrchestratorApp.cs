using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>
/// The real orchestrator in memory, its three downstream services replaced by fakes on 127.0.0.1 found through
/// service discovery's configuration, and its event bus on a throwaway redis-server.
/// </summary>
public sealed class OrchestratorApp : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();
    public FakeGuardrailService Guardrails { get; } = new();
    public FakeRagService Rag { get; } = new();
    public FakeRouterService Router { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>Where each orchestrator host of this fixture keeps its event-bus spill file (one host per folder).</summary>
    private readonly string _spillRoot = Path.Combine(Path.GetTempPath(), "aiaspire-orchestrator-tests-" + Guid.NewGuid().ToString("N"));

    public string NewSpillPath() => Path.Combine(_spillRoot, Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Redis.InitializeAsync(), Guardrails.InitializeAsync(), Rag.InitializeAsync(), Router.InitializeAsync());
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:cache", Redis.ConnectionString)
            .UseSetting("services:guardrailservice:http:0", Guardrails.Address)
            .UseSetting("services:ragservice:http:0", Rag.Address)
            .UseSetting("services:routerservice:http:0", Router.Address)
            .UseSetting("EventBus:MaxRetryDelay", "00:00:01")
            .UseSetting("EventBus:SpillPath", NewSpillPath())
            .UseSetting("Logging:LogLevel:Default", "Warning")
            // The standard handler's retries stay; only their backoff shrinks so that outage tests take milliseconds.
            // Its circuit breakers would carry one test's injected outage into the next on this shared app, so they
            // never open here; CircuitBreakerTests covers an open circuit on an app of its own.
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

    /// <summary>Back to answering normally, with nothing recorded.</summary>
    public void Reset()
    {
        Guardrails.Reset();
        Rag.Reset();
        Router.Reset();
    }

    public HttpClient CreateClient(string? tenant = "tenant-a") => CreateClient(Factory, tenant);

    public static HttpClient CreateClient(WebApplicationFactory<Program> factory, string? tenant = "tenant-a")
    {
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        }
        return client;
    }
}

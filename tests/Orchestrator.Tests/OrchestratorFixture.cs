using System.Net;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace AiAspire.Orchestrator.Tests;

/// <summary>
/// What every whole-orchestrator fixture shares: the real orchestrator in memory (<see cref="Factory"/>) with its cache
/// and event bus on a throwaway redis-server, fakes on 127.0.0.1 found through service discovery's configuration, each
/// host's event-bus spill file in a folder of its own under one temporary folder, and quiet logs. A fixture names its
/// fakes (<see cref="Fakes"/>) and whatever else its orchestrator gets (<see cref="ConfigureOrchestrator"/>).
/// </summary>
public abstract class OrchestratorFixture : IAsyncLifetime
{
    private static readonly TimeSpan DefaultClientTimeout = TimeSpan.FromSeconds(30);

    private readonly string _spillRoot = Path.Combine(Path.GetTempPath(), "aiaspire-orchestrator-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _services = [];

    public RedisServer Redis { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>The fakes the orchestrator calls, each with the service-discovery name it stands in for.</summary>
    protected abstract IEnumerable<(string Service, FakeService Fake)> Fakes { get; }

    /// <summary>Servers that a real service of the fixture calls (its upstreams); started and disposed with the fakes.</summary>
    protected virtual IEnumerable<IAsyncLifetime> Upstreams => [];

    /// <summary>How long <see cref="CreateClient(string?)"/>'s clients wait for an answer.</summary>
    protected virtual TimeSpan ClientTimeout => DefaultClientTimeout;

    /// <summary>A folder for one more orchestrator host's event-bus spill file (one host per folder).</summary>
    public string NewSpillPath() => Path.Combine(_spillRoot, Guid.NewGuid().ToString("N"));

    public virtual async Task InitializeAsync()
    {
        await Task.WhenAll([Redis.InitializeAsync(), .. Servers().Select(server => server.InitializeAsync())]);
        Reset();
        StartServices();
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString)
                .UseSetting("EventBus:MaxRetryDelay", "00:00:01")
                .UseSetting("EventBus:SpillPath", NewSpillPath())
                .UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (service, fake) in Fakes)
            {
                builder.UseSetting($"services:{service}:http:0", fake.Address);
            }
            ConfigureOrchestrator(builder);
        });
        _ = Factory.Server;
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
        await Task.WhenAll(Servers().Select(server => server.DisposeAsync()));
        await Redis.DisposeAsync();
        if (Directory.Exists(_spillRoot))
        {
            Directory.Delete(_spillRoot, recursive: true);
        }
    }

    /// <summary>Back to answering normally, with nothing recorded.</summary>
    public void Reset()
    {
        foreach (var (_, fake) in Fakes)
        {
            fake.Reset();
        }
    }

    public HttpClient CreateClient(string? tenant = "tenant-a") => CreateClient(Factory, tenant, ClientTimeout);

    /// <summary>A client of <paramref name="factory"/>: this fixture's orchestrator with a test's own settings.</summary>
    public static HttpClient CreateClient(WebApplicationFactory<Program> factory, string? tenant = "tenant-a") =>
        CreateClient(factory, tenant, DefaultClientTimeout);

    /// <summary>Starts the real services the orchestrator calls (<see cref="StartService{TProgram}"/>), once the fakes are up.</summary>
    protected virtual void StartServices()
    {
    }

    /// <summary>The orchestrator's settings beyond the shared ones and the fakes' addresses.</summary>
    protected abstract void ConfigureOrchestrator(IWebHostBuilder builder);

    /// <summary>
    /// Starts a real service on Kestrel at 127.0.0.1 (a free port) with this fixture's Redis, quiet logs and then
    /// <paramref name="configure"/>; it is disposed right after the orchestrator. Returns its address, <c>http://127.0.0.1:port</c>.
    /// </summary>
    protected string StartService<TProgram>(Action<IWebHostBuilder> configure) where TProgram : class
    {
        var service = new WebApplicationFactory<TProgram>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString)
                .UseSetting("Logging:LogLevel:Default", "Warning");
            configure(builder);
        });
        _services.Add(service);
        service.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        service.StartServer();
        return service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    protected static void UseSettings(IWebHostBuilder builder, IEnumerable<KeyValuePair<string, string>> settings)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// The standard handler's retries stay; only their backoff shrinks so that outage tests take milliseconds. Its circuit
    /// breakers would carry one test's injected outage into the next on a shared app, so they never open here;
    /// CircuitBreakerTests covers an open circuit on an app of its own.
    /// </summary>
    protected static void RetryFastWithoutBreakers(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.ConfigureAll<HttpStandardResilienceOptions>(options =>
        {
            options.Retry.Delay = TimeSpan.FromMilliseconds(10);
            options.CircuitBreaker.MinimumThroughput = int.MaxValue;
        }));

    private IEnumerable<IAsyncLifetime> Servers() => [.. Fakes.Select(entry => entry.Fake), .. Upstreams];

    private static HttpClient CreateClient(WebApplicationFactory<Program> factory, string? tenant, TimeSpan timeout)
    {
        var client = factory.CreateClient();
        client.Timeout = timeout;
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        }
        return client;
    }
}

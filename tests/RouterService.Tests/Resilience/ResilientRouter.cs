using AiAspire.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiAspire.RouterService.Tests.Resilience;

/// <summary>
/// The service in memory for one test, with a deployment per fake upstream (named as given), one priority route
/// <c>chain</c> over them in the order given, and a manual clock for its circuit breakers.
/// </summary>
internal sealed class ResilientRouter : IAsyncDisposable
{
    private readonly IReadOnlyList<IFakeUpstream> _upstreams;
    private readonly WebApplicationFactory<Program> _factory;

    private ResilientRouter(IReadOnlyList<IFakeUpstream> upstreams, WebApplicationFactory<Program> factory)
    {
        _upstreams = upstreams;
        _factory = factory;
    }

    public ManualClock Clock { get; } = new();

    public IServiceProvider Services => _factory.Services;

    public static async Task<ResilientRouter> StartAsync(
        IReadOnlyList<(string Name, IFakeUpstream Upstream)> chain, Dictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        await Task.WhenAll(chain.Select(c => c.Upstream.InitializeAsync()));
        var all = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "None",
            ["Providers:OpenAI:ApiKey"] = "",
            ["Router:RetryBaseDelay"] = "00:00:00.010",
            ["Catalog:Routes:chain:Strategy"] = "priority",
        };
        for (var i = 0; i < chain.Count; i++)
        {
            var (name, upstream) = chain[i];
            all[$"Catalog:Deployments:{name}:Provider"] = upstream.Provider;
            all[$"Catalog:Deployments:{name}:Endpoint"] = upstream.Endpoint;
            all[$"Catalog:Deployments:{name}:ApiKey"] = "sk-test";
            all[$"Catalog:Routes:chain:Candidates:{i}"] = name;
        }
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        ResilientRouter? router = null;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in all)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureTestServices(collection =>
            {
                collection.Replace(ServiceDescriptor.Singleton<TimeProvider>(router!.Clock));
                services?.Invoke(collection);
            });
        });
        router = new ResilientRouter([.. chain.Select(c => c.Upstream)], factory);
        return router;
    }

    public HttpClient CreateClient()
    {
        var client = _factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await Task.WhenAll(_upstreams.Select(u => u.DisposeAsync()));
    }
}

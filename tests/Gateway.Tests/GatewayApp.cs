using AiAspire.Gateway.Authentication;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// The real gateway in memory, each YARP cluster pointed at its own echo backend on 127.0.0.1, with a dev key and,
/// per scope, a key holding only that scope and one holding every other.
/// </summary>
public sealed class GatewayApp : IAsyncLifetime
{
    public const string DevKey = "sk-test-dev-0123456789";
    public const string AcmeKey = "sk-acme-0123456789";
    public const string AcmeTenant = "acme";

    public static readonly string[] Clusters = ["orchestrator", "ragservice", "guardrailservice", "routerservice", "feedbackworker"];

    public Dictionary<string, EchoBackend> Backends { get; } = Clusters.ToDictionary(c => c, c => new EchoBackend(c));

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>Settings for a replica with every Redis limit on (requests, tokens, concurrency, budgets), none binding in a test.</summary>
    public static readonly IReadOnlyDictionary<string, string> EveryLimitOn = new Dictionary<string, string>
    {
        ["Gateway:RateLimits:Requests:PerKey"] = "100",
        ["Gateway:RateLimits:Requests:PerTenant"] = "100",
        ["Gateway:RateLimits:Tokens:PerKey"] = "100000",
        ["Gateway:RateLimits:Tokens:PerTenant"] = "100000",
        ["Gateway:RateLimits:Concurrency:PerKey"] = "10",
        ["Gateway:RateLimits:Concurrency:PerTenant"] = "10",
        ["Gateway:RateLimits:Budget:MonthlyUsdPerKey"] = "10",
        ["Gateway:RateLimits:Budget:MonthlyUsdPerTenant"] = "10",
    };

    public static string OnlyKey(string scope) => $"sk-only-{scope}-0123456789";

    public static string WithoutKey(string scope) => $"sk-without-{scope}-0123456789";

    /// <summary>The Redis every replica of this gateway shares.</summary>
    public RedisServer Redis { get; } = new();

    private readonly List<WebApplicationFactory<Program>> _replicas = [];

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        await Task.WhenAll(Backends.Values.Select(b => b.InitializeAsync()));
        Factory = CreateReplica();
    }

    /// <summary>Another gateway replica, configured like the first, on <paramref name="redisConnectionString"/> (the shared Redis by default).</summary>
    /// <param name="configure">Anything else, applied last (a logger provider, say).</param>
    public WebApplicationFactory<Program> CreateReplica(string? redisConnectionString = null, IReadOnlyDictionary<string, string>? settings = null,
        Action<IWebHostBuilder>? configure = null)
    {
        var factory = Configured(redisConnectionString, settings, configure);
        _ = factory.Server;
        return factory;
    }

    /// <summary>
    /// A replica configured like <see cref="CreateReplica"/>, served by Kestrel on 127.0.0.1 instead of the in-memory
    /// test server: for what only a real connection shows (how a refused body leaves the connection).
    /// </summary>
    /// <returns>The replica and its address.</returns>
    public (WebApplicationFactory<Program> Factory, Uri Address) CreateKestrelReplica(IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = LoopbackPorts.Reserve();
        var factory = Configured(null, settings, builder => builder.UseUrls($"http://127.0.0.1:{port}"));
        factory.UseKestrel();
        factory.StartServer();
        return (factory, new Uri($"http://127.0.0.1:{port}"));
    }

    private WebApplicationFactory<Program> Configured(string? redisConnectionString, IReadOnlyDictionary<string, string>? settings,
        Action<IWebHostBuilder>? configure)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("ConnectionStrings:cache", redisConnectionString ?? Redis.ConnectionString);
            foreach (var (cluster, backend) in Backends)
            {
                builder.UseSetting($"ReverseProxy:Clusters:{cluster}:Destinations:d1:Address", backend.Address);
            }
            builder.UseSetting("Gateway:DevApiKey", DevKey);
            AddKey(builder, "acme", AcmeKey, AcmeTenant, [Scopes.Chat, Scopes.Embeddings]);
            foreach (var scope in Scopes.All)
            {
                AddKey(builder, $"only-{scope}", OnlyKey(scope), $"tenant-only-{scope}", [scope]);
                AddKey(builder, $"without-{scope}", WithoutKey(scope), $"tenant-without-{scope}", [.. Scopes.All.Where(s => s != scope)]);
            }
            foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(name, value);
            }
            configure?.Invoke(builder);
        });
        lock (_replicas)
        {
            _replicas.Add(factory);
        }
        return factory;
    }

    private static void AddKey(IWebHostBuilder builder, string id, string key, string tenant, string[] scopes)
    {
        builder.UseSetting($"Gateway:Keys:{id}:Key", key);
        builder.UseSetting($"Gateway:Keys:{id}:Tenant", tenant);
        for (var i = 0; i < scopes.Length; i++)
        {
            builder.UseSetting($"Gateway:Keys:{id}:Scopes:{i}", scopes[i]);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
        await Task.WhenAll(Backends.Values.Select(b => b.DisposeAsync()));
        await Redis.DisposeAsync();
    }

    public void Reset()
    {
        foreach (var backend in Backends.Values)
        {
            backend.Received.Clear();
        }
    }

    public IEnumerable<EchoedRequest> AllReceived => Backends.Values.SelectMany(b => b.Received);

    public HttpClient CreateClient() => CreateClient(Factory);

    public static HttpClient CreateClient(WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }
}

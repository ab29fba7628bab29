using System.Globalization;
using System.Net;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>
/// The real orchestrator and the real router (RouterService over HTTP, or its engine in the orchestrator's process),
/// with one router configuration for both: deployments on fake OpenAI-compatible upstreams on 127.0.0.1
/// (<c>echo</c> and <c>backup</c> answer, <c>broken</c> always fails with 500, <c>tiny</c> has a 64-token window,
/// <c>cut</c> breaks its streams after two chunks) and
/// the priority routes <c>resilient</c> (broken, then backup) and <c>doomed</c> (broken only). Guardrails and RAG are
/// the usual fakes; the event bus is on a throwaway redis-server, which the router shares.
/// </summary>
public abstract class RouterModeApp : IAsyncLifetime
{
    public const string ApiKey = "sk-test-colocation";
    public const int TinyContextWindow = 64;
    public const decimal EchoInputPricePer1M = 2m;
    public const decimal EchoOutputPricePer1M = 8m;

    public RedisServer Redis { get; } = new();
    public FakeGuardrailService Guardrails { get; } = new();
    public FakeRagService Rag { get; } = new();
    public FakeOpenAIServer Echo { get; } = new();
    public FakeOpenAIServer Backup { get; } = new();
    public FakeOpenAIServer Broken { get; } = new() { FailWith = HttpStatusCode.InternalServerError };
    public CutStreamServer Cut { get; } = new();

    public WebApplicationFactory<Program> Orchestrator { get; private set; } = null!;

    private readonly string _spillPath = Path.Combine(Path.GetTempPath(), "aiaspire-colocation-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Starts the router its own way and adds what the orchestrator needs to reach it.</summary>
    protected abstract Task StartRouterAsync(IReadOnlyDictionary<string, string> router, Dictionary<string, string> orchestrator);

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Redis.InitializeAsync(), Guardrails.InitializeAsync(), Rag.InitializeAsync(),
            Echo.InitializeAsync(), Backup.InitializeAsync(), Broken.InitializeAsync(), Cut.InitializeAsync());
        var orchestrator = new Dictionary<string, string>
        {
            ["ConnectionStrings:cache"] = Redis.ConnectionString,
            ["services:guardrailservice:http:0"] = Guardrails.Address,
            ["services:ragservice:http:0"] = Rag.Address,
            ["EventBus:MaxRetryDelay"] = "00:00:01",
            ["EventBus:SpillPath"] = _spillPath,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await StartRouterAsync(RouterSettings(), orchestrator);
        Orchestrator = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in orchestrator)
            {
                builder.UseSetting(key, value);
            }
        });
        _ = Orchestrator.Server;
    }

    public virtual async Task DisposeAsync()
    {
        await Orchestrator.DisposeAsync();
        await Task.WhenAll(Guardrails.DisposeAsync(), Rag.DisposeAsync(), Echo.DisposeAsync(), Backup.DisposeAsync(), Broken.DisposeAsync(), Cut.DisposeAsync());
        await Redis.DisposeAsync();
        if (Directory.Exists(_spillPath))
        {
            Directory.Delete(_spillPath, recursive: true);
        }
    }

    public HttpClient CreateClient()
    {
        var client = Orchestrator.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");
        return client;
    }

    /// <summary>The router's configuration, whichever process runs it.</summary>
    private Dictionary<string, string> RouterSettings()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:cache"] = Redis.ConnectionString,
            // Fallback is specified call by call: no retries, no breaker carrying one test's failures into the next.
            ["Router:MaxRetries"] = "0",
            ["Router:BreakerFailureThreshold"] = "0",
            ["Router:AttemptTimeout"] = "00:00:20",
            // Pinned empty so a key in the machine's environment cannot make the default catalog's deployments callable.
            ["Providers:OpenAI:ApiKey"] = "",
        };
        AddDeployment(settings, "echo", Echo);
        settings["Catalog:Deployments:echo:InputPricePer1M"] = EchoInputPricePer1M.ToString(CultureInfo.InvariantCulture);
        settings["Catalog:Deployments:echo:OutputPricePer1M"] = EchoOutputPricePer1M.ToString(CultureInfo.InvariantCulture);
        AddDeployment(settings, "backup", Backup);
        AddDeployment(settings, "broken", Broken);
        AddDeployment(settings, "tiny", Echo);
        AddDeployment(settings, "cut", Cut.V1Endpoint);
        settings["Catalog:Deployments:tiny:ContextWindow"] = TinyContextWindow.ToString(CultureInfo.InvariantCulture);
        settings["Catalog:Deployments:tiny:MaxOutputTokens"] = "16";
        AddRoute(settings, "resilient", "broken", "backup");
        AddRoute(settings, "doomed", "broken");
        return settings;
    }

    private static void AddDeployment(Dictionary<string, string> settings, string name, FakeOpenAIServer upstream) =>
        AddDeployment(settings, name, upstream.V1Endpoint);

    private static void AddDeployment(Dictionary<string, string> settings, string name, string endpoint)
    {
        var prefix = $"Catalog:Deployments:{name}:";
        settings[prefix + "Provider"] = "openai-compatible";
        settings[prefix + "Endpoint"] = endpoint;
        settings[prefix + "ApiKey"] = ApiKey;
    }

    private static void AddRoute(Dictionary<string, string> settings, string name, params string[] candidates)
    {
        settings[$"Catalog:Routes:{name}:Strategy"] = "priority";
        for (var i = 0; i < candidates.Length; i++)
        {
            settings[$"Catalog:Routes:{name}:Candidates:{i}"] = candidates[i];
        }
    }
}

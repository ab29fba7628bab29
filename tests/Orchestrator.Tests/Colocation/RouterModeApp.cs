extern alias routerservice;

using System.Globalization;
using System.Net;
using AiAspire.Orchestrator.Colocation;
using AiAspire.Orchestrator.Tests.Fakes;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>
/// The real orchestrator and the real router (RouterService over HTTP, or, when <paramref name="colocated"/>, its engine
/// in the orchestrator's process), with one router configuration for both: deployments on fake OpenAI-compatible
/// upstreams on 127.0.0.1 (<c>echo</c> and <c>backup</c> answer, <c>broken</c> always fails with 500, <c>tiny</c> has a
/// 64-token window, <c>cut</c> breaks its streams after two chunks) and
/// the priority routes <c>resilient</c> (broken, then backup) and <c>doomed</c> (broken only). Guardrails and RAG are
/// the usual fakes; the event bus is on a throwaway redis-server, which the router shares.
/// </summary>
public abstract class RouterModeApp(bool colocated) : OrchestratorFixture
{
    public const string ApiKey = "sk-test-colocation";
    public const int TinyContextWindow = 64;
    public const decimal EchoInputPricePer1M = 2m;
    public const decimal EchoOutputPricePer1M = 8m;

    private string _routerAddress = "";

    public FakeGuardrailService Guardrails { get; } = new();
    public FakeRagService Rag { get; } = new();
    public FakeOpenAIServer Echo { get; } = new();
    public FakeOpenAIServer Backup { get; } = new();
    public FakeOpenAIServer Broken { get; } = new() { FailWith = HttpStatusCode.InternalServerError };
    public CutStreamServer Cut { get; } = new();

    protected override IEnumerable<(string Service, FakeService Fake)> Fakes => [("guardrailservice", Guardrails), ("ragservice", Rag)];

    protected override IEnumerable<IAsyncLifetime> Upstreams => [Echo, Backup, Broken, Cut];

    protected override TimeSpan ClientTimeout => TimeSpan.FromSeconds(60);

    protected override void StartServices()
    {
        if (!colocated)
        {
            _routerAddress = StartService<routerservice::Program>(builder => UseSettings(builder, RouterSettings()));
        }
    }

    protected override void ConfigureOrchestrator(IWebHostBuilder builder)
    {
        if (colocated)
        {
            UseSettings(builder, RouterSettings());
            builder.UseSetting(RouterColocation.Setting, "true");
        }
        else
        {
            builder.UseSetting("services:routerservice:http:0", _routerAddress);
        }
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

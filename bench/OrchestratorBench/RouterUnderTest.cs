using System.Diagnostics;
using System.Globalization;
using AiAspire.Bench;
using static AiAspire.Bench.ServiceBench;

namespace AiAspire.OrchestratorBench;

/// <summary>
/// Which router the orchestrator calls (<c>--router</c>): <c>fake</c> (the fake downstream's <c>/v1/complete</c>, the
/// default), <c>service</c> (the built RouterService, Release, as a child process) or <c>colocated</c> (the router's
/// engine inside the orchestrator, <c>Colocation:Router=true</c>). The real router, either way, has one catalog: route
/// <c>default</c> → deployment <c>bench-model</c>, openai-compatible, on the fake downstream's <c>/v1/chat/completions</c>,
/// and shares the bench's Redis as in the platform.
/// </summary>
internal sealed class RouterUnderTest : IAsyncDisposable
{
    public const string Fake = "fake";
    public const string Service = "service";
    public const string Colocated = "colocated";

    private readonly Process? _process;

    private RouterUnderTest(string mode, Process? process, IReadOnlyList<(string Key, string Value)> orchestratorSettings)
    {
        Mode = mode;
        _process = process;
        OrchestratorSettings = orchestratorSettings;
    }

    public string Mode { get; }

    /// <summary>What the orchestrator needs to reach this router.</summary>
    public IReadOnlyList<(string Key, string Value)> OrchestratorSettings { get; }

    /// <summary>The RouterService process's CPU meter, when it runs in a process of its own.</summary>
    public (string Name, Func<TimeSpan> CpuTime)[] Meters => _process is { } process ? [("router", () => CpuTime(process))] : [];

    /// <summary>", RouterService peak resident memory N MiB" (VmHWM) when it runs in a process of its own, else "".</summary>
    public string PeakResidentMemory() =>
        _process is null ? "" : string.Create(CultureInfo.InvariantCulture, $", RouterService peak resident memory {File.ReadLines($"/proc/{Text(_process.Id)}/status")
            .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024)
            .FirstOrDefault():F0} MiB");

    public static async Task<RouterUnderTest> StartAsync(string mode, string downstream, string redis)
    {
        (string Key, string Value)[] catalog =
        [
            ("Catalog:Deployments:bench-model:Provider", "openai-compatible"),
            ("Catalog:Deployments:bench-model:Endpoint", downstream + "/v1"),
            ("Catalog:Deployments:bench-model:ApiKey", "sk-bench-upstream"),
            ("Catalog:Deployments:bench-model:ContextWindow", "128000"),
            ("Catalog:Deployments:bench-model:MaxOutputTokens", "4096"),
            ("Catalog:Routes:default:Strategy", "priority"),
            ("Catalog:Routes:default:Candidates:0", "bench-model"),
        ];
        switch (mode)
        {
            case Fake:
                return new RouterUnderTest(mode, null, []);
            case Colocated:
                return new RouterUnderTest(mode, null, [("Colocation:Router", "true"), .. catalog]);
            case Service:
                var dll = Path.Combine(RepositoryRoot(), "RouterService", "bin", "Release", "net10.0", "RouterService.dll");
                if (!File.Exists(dll))
                {
                    throw new InvalidOperationException("Build the router first: dotnet build RouterService -c Release");
                }
                var address = $"http://127.0.0.1:{Text(FreePort())}";
                var environment = new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["Logging__LogLevel__Default"] = "Error",
                    ["ConnectionStrings__cache"] = redis,
                    // As the orchestrator process is started (OrchestratorProcess).
                    ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
                };
                foreach (var (key, value) in catalog)
                {
                    environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
                }
                var process = Start("dotnet", [dll, "--urls", address], environment);
                try
                {
                    await WaitHealthyAsync(address, process, "RouterService");
                }
                catch
                {
                    ServiceBench.Stop(process);
                    throw;
                }
                return new RouterUnderTest(mode, process, [("services:routerservice:http:0", address)]);
            default:
                throw new ArgumentException($"--router is '{mode}'; use {Fake}, {Service} or {Colocated}.");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            ServiceBench.Stop(_process);
            _process.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;
using static AiAspire.Bench.ServiceBench;

namespace AiAspire.OrchestratorBench;

/// <summary>
/// Which guardrails the orchestrator calls (<c>--guard</c>): <c>fake</c> (the fake downstream's <c>/v1/guard/*</c>, the
/// default), <c>service</c> (the built GuardrailService, Release, as a child process on the bench's Redis) or
/// <c>colocated</c> (the guard engine inside the orchestrator, <c>Colocation:Guardrails=true</c>, on the same Redis).
/// The real guard, either way, runs its default settings: every check, the injection classifier only when uncertain.
/// </summary>
internal sealed class GuardUnderTest : IAsyncDisposable
{
    public const string Fake = "fake";
    public const string Service = "service";
    public const string Colocated = "colocated";

    private readonly Process? _process;

    private GuardUnderTest(string mode, Process? process, IReadOnlyList<(string Key, string Value)> orchestratorSettings)
    {
        Mode = mode;
        _process = process;
        OrchestratorSettings = orchestratorSettings;
    }

    public string Mode { get; }

    /// <summary>What the orchestrator needs to reach these guardrails.</summary>
    public IReadOnlyList<(string Key, string Value)> OrchestratorSettings { get; }

    /// <summary>The GuardrailService process's CPU meter, when it runs in a process of its own.</summary>
    public (string Name, Func<TimeSpan> CpuTime)[] Meters => _process is { } process ? [("guard", () => CpuTime(process))] : [];

    /// <summary>The GuardrailService process's peak resident memory (VmHWM) in MiB, when it runs in a process of its own.</summary>
    public double? PeakResidentMiB() => _process is { } process
        ? File.ReadLines($"/proc/{Text(process.Id)}/status")
            .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024)
            .FirstOrDefault()
        : null;

    public static async Task<GuardUnderTest> StartAsync(string mode, string redis)
    {
        switch (mode)
        {
            case Fake:
                return new GuardUnderTest(mode, null, []);
            case Colocated:
                return new GuardUnderTest(mode, null, [("Colocation:Guardrails", "true")]);
            case Service:
                var dll = Path.Combine(RepositoryRoot(), "GuardrailService", "bin", "Release", "net10.0", "GuardrailService.dll");
                if (!File.Exists(dll))
                {
                    throw new InvalidOperationException("Build the guardrails first: dotnet build GuardrailService -c Release");
                }
                var address = $"http://127.0.0.1:{Text(FreePort())}";
                var process = Start("dotnet", [dll, "--urls", address], new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["Logging__LogLevel__Default"] = "Error",
                    ["ConnectionStrings__cache"] = redis,
                    // As the orchestrator process is started (OrchestratorProcess).
                    ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
                });
                try
                {
                    await WaitHealthyAsync(address, process, "GuardrailService");
                }
                catch
                {
                    Stop(process);
                    throw;
                }
                return new GuardUnderTest(mode, process, [("services:guardrailservice:http:0", address)]);
            default:
                throw new ArgumentException($"--guard is '{mode}'; use {Fake}, {Service} or {Colocated}.");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            Stop(_process);
            _process.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}

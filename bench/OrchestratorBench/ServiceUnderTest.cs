using System.Diagnostics;
using System.Globalization;
using static AiAspire.Bench.ServiceBench;

namespace AiAspire.OrchestratorBench;

/// <summary>
/// A service the orchestrator calls, in the mode the bench was given for it (<c>--guard</c>, <c>--router</c>):
/// <c>fake</c> (the fake downstream's endpoints, the default), <c>service</c> (the built service, Release, as a child
/// process on the bench's Redis, with a CPU meter of its own) or <c>colocated</c> (its engine inside the orchestrator).
/// </summary>
internal sealed class ServiceUnderTest : IAsyncDisposable
{
    public const string Fake = "fake";
    public const string Service = "service";
    public const string Colocated = "colocated";

    private readonly Process? _process;
    private readonly string _meter;

    private ServiceUnderTest(string mode, string meter, Process? process, IReadOnlyList<(string Key, string Value)> orchestratorSettings)
    {
        Mode = mode;
        _meter = meter;
        _process = process;
        OrchestratorSettings = orchestratorSettings;
    }

    public string Mode { get; }

    /// <summary>What the orchestrator needs to reach this service.</summary>
    public IReadOnlyList<(string Key, string Value)> OrchestratorSettings { get; }

    /// <summary>The service process's CPU meter, when it runs in a process of its own.</summary>
    public (string Name, Func<TimeSpan> CpuTime)[] Meters => _process is { } process ? [(_meter, () => CpuTime(process))] : [];

    /// <summary>The service process's peak resident memory (VmHWM) in MiB, when it runs in a process of its own.</summary>
    public double? PeakResidentMiB() => _process is { } process
        ? File.ReadLines($"/proc/{Text(process.Id)}/status")
            .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024)
            .FirstOrDefault()
        : null;

    /// <param name="mode"><see cref="Fake"/>, <see cref="Service"/> or <see cref="Colocated"/>.</param>
    /// <param name="redis">The bench's Redis, for the service's process.</param>
    /// <param name="option">The bench option that gave <paramref name="mode"/>, for its error message.</param>
    /// <param name="meter">The name of the service process's CPU column.</param>
    /// <param name="project">The service's project (built in Release for <see cref="Service"/>); in lower case, its service-discovery name.</param>
    /// <param name="noun">What the message asking to build the project calls it.</param>
    /// <param name="colocation">The orchestrator's setting that runs the service's engine inside it.</param>
    /// <param name="settings">The service's configuration, the same in its process or co-located.</param>
    public static async Task<ServiceUnderTest> StartAsync(string mode, string redis, string option, string meter, string project, string noun,
        string colocation, IReadOnlyList<(string Key, string Value)> settings)
    {
        switch (mode)
        {
            case Fake:
                return new ServiceUnderTest(mode, meter, null, []);
            case Colocated:
                return new ServiceUnderTest(mode, meter, null, [(colocation, "true"), .. settings]);
            case Service:
                var dll = Path.Combine(RepositoryRoot(), project, "bin", "Release", "net10.0", project + ".dll");
                if (!File.Exists(dll))
                {
                    throw new InvalidOperationException($"Build the {noun} first: dotnet build {project} -c Release");
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
                foreach (var (key, value) in settings)
                {
                    environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
                }
                var process = Start("dotnet", [dll, "--urls", address], environment);
                try
                {
                    await WaitHealthyAsync(address, process, project);
                }
                catch
                {
                    Stop(process);
                    throw;
                }
                return new ServiceUnderTest(mode, meter, process, [($"services:{project.ToLowerInvariant()}:http:0", address)]);
            default:
                throw new ArgumentException($"{option} is '{mode}'; use {Fake}, {Service} or {Colocated}.");
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

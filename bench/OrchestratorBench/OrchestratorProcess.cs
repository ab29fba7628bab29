using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace AiAspire.OrchestratorBench;

/// <summary>The built orchestrator as a child process on a free loopback port, its three services the fake; killed on dispose.</summary>
internal sealed class OrchestratorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _spill;

    private OrchestratorProcess(Process process, string address, string description, string spill)
    {
        _process = process;
        Address = address;
        Description = description;
        _spill = spill;
    }

    public string Address { get; }

    public string Description { get; }

    /// <summary>The process's peak resident memory so far (VmHWM), in MiB.</summary>
    public double PeakResidentMiB() =>
        File.ReadLines($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/status")
            .Where(line => line.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(line => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024)
            .FirstOrDefault();

    /// <summary>The CPU time (user + system) the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <param name="settings">Configuration on top of the orchestrator's appsettings.json (e.g. <c>Cache:Semantic:Enabled</c>).</param>
    public static async Task<OrchestratorProcess> StartAsync(string downstream, string redis, string? orchestratorDll, params (string Key, string Value)[] settings)
    {
        var root = RepositoryRoot();
        var dll = (orchestratorDll is null ? null : File.Exists(orchestratorDll) ? orchestratorDll : throw new FileNotFoundException("No orchestrator build there.", orchestratorDll))
            ?? new[] { "Release", "Debug" }
                .Select(c => Path.Combine(root, "Orchestrator", "bin", c, "net10.0", "Orchestrator.dll"))
                .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Build the orchestrator first: dotnet build Orchestrator -c Release");
        var address = $"http://127.0.0.1:{Ports.Free().ToString(CultureInfo.InvariantCulture)}";
        var spill = Directory.CreateTempSubdirectory("aiaspire-orchestrator-bench-spill-").FullName;
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", address])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Error";
        start.Environment["ConnectionStrings__cache"] = redis;
        start.Environment["services__guardrailservice__http__0"] = downstream;
        start.Environment["services__ragservice__http__0"] = downstream;
        start.Environment["services__routerservice__http__0"] = downstream;
        start.Environment["EventBus__SpillPath"] = Path.Combine(spill, "events.spill");
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The orchestrator did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 150 && !process.HasExited; attempt++)
        {
            try
            {
                if ((await http.GetAsync(address + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    var configuration = dll.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
                    return new OrchestratorProcess(process, address, $"{configuration} build at {address}", spill);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        throw new InvalidOperationException("The orchestrator did not answer /health within 30 s: " + await errors);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        Directory.Delete(_spill, recursive: true);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run from inside the repository.");
    }
}

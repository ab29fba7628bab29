using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AiAspire.GatewayBench;

/// <summary>The built gateway as a child process on a free loopback port; killed on dispose.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    public const string Key = "sk-bench-0123456789abcdef";

    private readonly Process _process;

    private GatewayProcess(Process process, string address, string description)
    {
        _process = process;
        Address = address;
        Description = description;
    }

    public string Address { get; }

    public string Description { get; }

    /// <summary>CPU time (user + system, all threads) the gateway process has used so far, from <c>/proc</c> (10 ms ticks).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromMilliseconds(10 * (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)));
    }

    /// <param name="gatewayDll">Another build of the gateway (to compare two versions); this repository's by default.</param>
    /// <param name="environment">Set after the defaults, so it can replace them.</param>
    public static async Task<GatewayProcess> StartAsync(string upstream, string? redis, string? gatewayDll = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = RepositoryRoot();
        var dll = (gatewayDll is null ? null : File.Exists(gatewayDll) ? gatewayDll : throw new FileNotFoundException("No gateway build there.", gatewayDll))
            ?? new[] { "Release", "Debug" }
                .Select(c => Path.Combine(root, "Gateway", "bin", c, "net10.0", "Gateway.dll"))
                .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Build the gateway first: dotnet build Gateway -c Release");
        var port = FreePort();
        var address = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", address])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Error";
        start.Environment["Gateway__DevApiKey"] = Key;
        start.Environment["ReverseProxy__Clusters__orchestrator__Destinations__d1__Address"] = upstream + "/";
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        // As in the platform (AppHost always sets it): identity headers are HMAC-signed.
        start.Environment["Internal__Secret"] = "bench-internal-secret-0123456789abcdef";
        if (redis is not null)
        {
            start.Environment["ConnectionStrings__cache"] = redis;
            foreach (var kind in (string[])["Requests", "Tokens", "Concurrency"])
            {
                start.Environment[$"Gateway__RateLimits__{kind}__PerKey"] = "1000000000";
                start.Environment[$"Gateway__RateLimits__{kind}__PerTenant"] = "1000000000";
            }
            start.Environment["Gateway__RateLimits__Budget__MonthlyUsdPerKey"] = "1000000";
            start.Environment["Gateway__RateLimits__Budget__MonthlyUsdPerTenant"] = "1000000";
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The gateway did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 150; attempt++)
        {
            try
            {
                if ((await http.GetAsync(address + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    var configuration = dll.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
                    return new GatewayProcess(process, address, $"{configuration} build at {address}");
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The gateway did not answer /health within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

using System.Diagnostics;
using System.Globalization;
using AiAspire.Bench;

namespace AiAspire.PlatformBench;

/// <summary>
/// The peer: the Portkey AI gateway (npm <c>@portkey-ai/gateway</c>, installed in <c>bench/PlatformBench/portkey</c>)
/// as a Node.js child process on a free loopback port. It routes a request to any OpenAI-compatible server named by
/// the <c>x-portkey-custom-host</c> header, with <c>x-portkey-provider: openai</c>.
/// </summary>
internal sealed class PortkeyGateway : IAsyncDisposable
{
    private readonly Process _process;

    private PortkeyGateway(Process process, string address, string version)
    {
        _process = process;
        Address = address;
        Version = version;
    }

    public string Address { get; }

    public string Version { get; }

    public int ProcessId => _process.Id;

    public static async Task<PortkeyGateway> StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(BenchPaths.Root, "bench", "PlatformBench", "portkey");
        var package = Path.Combine(folder, "node_modules", "@portkey-ai", "gateway");
        var server = Path.Combine(package, "build", "start-server.js");
        if (!File.Exists(server))
        {
            throw new InvalidOperationException($"The Portkey gateway is not installed: run `npm ci` in {folder} (bench/platform-bench.sh does).");
        }

        var port = BenchPaths.FreePort();
        var start = new ProcessStartInfo("node",
            ["--require", Path.Combine(folder, "listen-on-loopback.cjs"), server, "--headless", "--port=" + port.ToString(CultureInfo.InvariantCulture)])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NODE_ENV"] = "production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var output = new BoundedLog();
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var address = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 150 && !process.HasExited; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(address + "/", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return new PortkeyGateway(process, address, ReadVersion(package));
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(200, cancellationToken);
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The Portkey gateway did not answer within 30 s. Its output:\n" + output);
    }

    /// <summary>A target that sends the request through Portkey to <paramref name="upstream"/>.</summary>
    public Target Route(string name, FakeUpstream upstream, bool stream) =>
        new(name, Address, Target.ChatPath,
        [
            new("x-portkey-provider", "openai"),
            new("x-portkey-custom-host", upstream.V1Endpoint),
            new("Authorization", "Bearer sk-bench-upstream"),
        ],
        Target.ChatBody("bench-model", stream, 0.7), stream);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    private static string ReadVersion(string package)
    {
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "package.json")));
        return manifest.RootElement.GetProperty("version").GetString() ?? "?";
    }
}

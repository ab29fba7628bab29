using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace AiAspire.OrchestratorBench;

/// <summary>A throwaway redis-server (from PATH) on a free loopback port, nothing persisted; killed on dispose.</summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        ConnectionString = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string ConnectionString { get; }

    /// <summary>The CPU time (user + system) the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public static async Task<RedisProcess> StartAsync()
    {
        var port = Ports.Free();
        var directory = Directory.CreateTempSubdirectory("aiaspire-orchestrator-bench-redis-").FullName;
        var start = new ProcessStartInfo("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH (Debian/Ubuntu: sudo apt-get install redis-server).", ex);
        }
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return new RedisProcess(process, directory, port);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        process.Kill();
        throw new InvalidOperationException("redis-server did not listen within 10 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using Xunit;

namespace AiAspire.TestKit;

/// <summary>
/// A throwaway redis-server on a free loopback port, with no persistence; share one per test class
/// (<c>IClassFixture&lt;RedisServer&gt;</c>). Can be stopped and started again on the same port to test outages.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

    public int Port { get; private set; } = LoopbackPorts.Reserve();

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    public ConnectionMultiplexer Connect() => ConnectionMultiplexer.Connect(ConnectionString);

    public async Task InitializeAsync()
    {
        // Another process may take the port between its reservation and the first start: then try another one.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (PortTakenException) when (attempt < 3)
            {
                Port = LoopbackPorts.Reserve();
            }
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <exception cref="PortTakenException">Another process serves <see cref="Port"/>.</exception>
    public async Task StartAsync()
    {
        var command = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("redis-server is not on PATH: apt-get install -y redis-server");
        var process = Process.Start(new ProcessStartInfo(command,
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _process = process;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var servedBy = await ServerProcessIdAsync();
            if (servedBy == process.Id)
            {
                return;
            }
            if (process.HasExited)
            {
                Stop();
                throw new PortTakenException($"redis-server exited on start: port {Port} is taken{(servedBy is null ? "" : $" by process {servedBy}")}.");
            }
            await Task.Delay(50);
        }
        Stop();
        throw new InvalidOperationException($"redis-server did not answer on {Port} within 5 s.");
    }

    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>The process id the server on <see cref="Port"/> reports (INFO server), or null when none answers.</summary>
    private async Task<int?> ServerProcessIdAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"u8.ToArray(), timeout.Token);
            var reply = new System.Text.StringBuilder();
            var buffer = new byte[4096];
            // The reply is one bulk string of a few hundred bytes: read until its process_id line is in.
            while (reply.Length < 64 * 1024 && !reply.ToString().Contains("\nrun_id:", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }
                reply.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
            }
            var line = reply.ToString().Split("\r\n").FirstOrDefault(l => l.StartsWith("process_id:", StringComparison.Ordinal));
            return line is not null && int.TryParse(line["process_id:".Length..], out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Another process serves the fixture's port.</summary>
    public sealed class PortTakenException(string message) : Exception(message);
}

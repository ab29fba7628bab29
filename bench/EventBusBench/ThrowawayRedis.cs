using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AiAspire.EventBusBench;

/// <summary>A redis-server without persistence on a free loopback port, killed on dispose.</summary>
internal sealed class ThrowawayRedis : IDisposable
{
    private readonly Process _process;

    private ThrowawayRedis(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static async Task<ThrowawayRedis> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new ThrowawayRedis(process, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill();
        throw new InvalidOperationException("redis-server did not listen within 5 s.");
    }

    public async Task DeleteStreamAsync(string key)
    {
        using var client = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(ConnectionString);
        await client.GetDatabase().KeyDeleteAsync(key);
    }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit(5_000);
        _process.Dispose();
    }
}

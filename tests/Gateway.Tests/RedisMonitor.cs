using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Every command a Redis server executes, as its MONITOR reports it: (client, arguments). Commands run inside a Lua
/// script are left out (they are the script's own, on the keys it was given).
/// </summary>
internal sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reading;

    public ConcurrentQueue<(string Client, string[] Args)> Commands { get; } = new();

    public static async Task<RedisMonitor> StartAsync(int port)
    {
        var monitor = new RedisMonitor();
        await monitor._tcp.ConnectAsync("127.0.0.1", port);
        var stream = monitor._tcp.GetStream();
        await stream.WriteAsync("*1\r\n$7\r\nMONITOR\r\n"u8.ToArray());
        var reader = new StreamReader(stream, Encoding.UTF8);
        var ok = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("+OK", ok);
        monitor._reading = monitor.ReadAsync(reader);
        return monitor;
    }

    private async Task ReadAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                // +1732800000.123456 [0 127.0.0.1:53422] "EVALSHA" "…" "2" "key1" "key2" …
                var open = line.IndexOf('[', StringComparison.Ordinal);
                var close = open < 0 ? -1 : line.IndexOf(']', open);
                if (close < 0)
                {
                    continue;
                }
                var client = line[(open + 1)..close];
                if (client.EndsWith(" lua", StringComparison.Ordinal))
                {
                    continue;
                }
                Commands.Enqueue((client, Parse(line[(close + 1)..])));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>MONITOR's quoted, backslash-escaped arguments.</summary>
    private static string[] Parse(string text)
    {
        var args = new List<string>();
        var i = 0;
        while ((i = text.IndexOf('"', i)) >= 0)
        {
            var value = new StringBuilder();
            for (i++; i < text.Length && text[i] != '"'; i++)
            {
                if (text[i] != '\\' || i + 1 >= text.Length)
                {
                    value.Append(text[i]);
                    continue;
                }
                i++;
                switch (text[i])
                {
                    case 'x' when i + 2 < text.Length:
                        value.Append((char)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                        i += 2;
                        break;
                    case 'n': value.Append('\n'); break;
                    case 'r': value.Append('\r'); break;
                    case 't': value.Append('\t'); break;
                    case 'a': value.Append('\a'); break;
                    case 'b': value.Append('\b'); break;
                    default: value.Append(text[i]); break;
                }
            }
            args.Add(value.ToString());
            i++;
        }
        return [.. args];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _tcp.Dispose();
        if (_reading is not null)
        {
            await _reading;
        }
        _stop.Dispose();
    }
}

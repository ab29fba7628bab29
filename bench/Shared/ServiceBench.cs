using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AiAspire.Bench;

/// <summary>
/// What the HTTP benches of one service share (compiled into each): the service and a throwaway redis-server as child
/// processes on 127.0.0.1, their CPU time, Redis's command count, and a closed- or paced-loop load.
/// </summary>
internal static class ServiceBench
{
    public static Process Start(string file, string[] arguments, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public static async Task WaitHealthyAsync(string address, Process service, string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300 && !service.HasExited; attempt++)
        {
            try
            {
                if ((await http.GetAsync(address + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException($"{name} did not answer /health within 60 s.");
    }

    /// <summary>
    /// Runs <paramref name="call"/> from <paramref name="concurrency"/> workers until <paramref name="duration"/> is up,
    /// paced to <paramref name="rate"/> calls per second when set; each worker numbers its own calls (worker &lt;&lt; 32 on),
    /// and each call's milliseconds go to <paramref name="samples"/> when given.
    /// </summary>
    public static async Task LoadAsync(
        string address, int concurrency, TimeSpan duration, double? rate, List<double>? samples, Func<HttpClient, long, Task> call)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(Contracts.AiAspireHeaders.Tenant, "bench");
        var begin = Stopwatch.GetTimestamp();
        var deadline = begin + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long tickets = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (long number = (long)worker << 32; Stopwatch.GetTimestamp() < deadline; number++)
            {
                if (rate is { } perSecond)
                {
                    // Paced: the same calls per second whatever the machine does, so the fixed per-second costs
                    // (timers, GC, runtime threads) weigh the same on every run compared.
                    var due = begin + (long)(Interlocked.Increment(ref tickets) * Stopwatch.Frequency / perSecond);
                    if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait);
                    }
                    if (Stopwatch.GetTimestamp() >= deadline)
                    {
                        break;
                    }
                }
                var start = Stopwatch.GetTimestamp();
                await call(http, number);
                if (samples is not null)
                {
                    lock (samples)
                    {
                        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
            }
        }));
    }

    /// <summary>Commands the Redis server has run so far (INFO stats), counted by redis-cli.</summary>
    public static async Task<long> RedisCommandsAsync(int port)
    {
        using var cli = Process.Start(new ProcessStartInfo("redis-cli", ["-p", Text(port), "INFO", "stats"]) { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("redis-cli did not start.");
        var stats = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        var line = stats.Split('\n').Single(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line["total_commands_processed:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    public static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string RepositoryRoot()
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

using System.Diagnostics;
using System.Globalization;
using System.Text;
using HdrHistogram;

namespace AiAspire.PlatformBench;

/// <summary>
/// Open-loop load at a fixed rate for a long time, to see whether any process's memory grows: requests are sent on
/// schedule whether or not earlier ones have answered (latency counts from the scheduled time, so a stall shows), and
/// every minute prints latency and each process's resident set.
/// </summary>
/// <remarks>At the end it prints what the whole run cost each process in CPU per answered request.</remarks>
internal sealed class SoakRun(Target target, int rate, TimeSpan duration, IReadOnlyDictionary<string, int> processes, CpuMeter cpu)
{
    /// <summary>Requests in flight at most; beyond it a request is counted as dropped rather than queued without bound.</summary>
    private const int MaxInFlight = 1024;

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    /// <summary>Requests answered over the whole run (a minute's window can still gain answers after it is printed).</summary>
    private long _answered;

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        using var http = LoadGenerator.CreateClient(target, MaxInFlight);
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Soak: {target.Name}, {rate} requests/s for {duration.TotalMinutes:F1} min; machine: {Report.Machine()}");
        report.AppendLine();
        var names = processes.Keys.Order(StringComparer.Ordinal).ToList();
        report.AppendLine("| minute | sent | ok | failed | dropped | p50 ms | p99 ms | " + string.Join(" | ", names.Select(n => n + " MiB")) + " |");
        report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | " + string.Join(" | ", names.Select(_ => "---:")) + " |");
        Console.Error.Write(report);

        var minutes = new List<Dictionary<string, long>>();
        cpu.Start();
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var minuteTicks = 60 * Stopwatch.Frequency;
        var window = new Window();
        var minuteStart = start;
        long sent = 0;
        var pending = new List<Task>();
        using var timer = new PeriodicTimer(Tick);
        while (Stopwatch.GetTimestamp() < end && await timer.WaitForNextTickAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            var due = (long)((now - start) / (double)Stopwatch.Frequency * rate);
            for (; sent < due; sent++)
            {
                var scheduled = start + (long)(sent * (double)Stopwatch.Frequency / rate);
                if (!inFlight.Wait(0, cancellationToken))
                {
                    window.Dropped++;
                    continue;
                }
                window.Sent++;
                pending.Add(SendAsync(http, scheduled, window, inFlight, cancellationToken));
            }
            pending.RemoveAll(t => t.IsCompleted);

            if (now - minuteStart >= minuteTicks)
            {
                var line = Close(window, minutes.Count + 1, names, minutes);
                report.AppendLine(line);
                Console.Error.WriteLine(line);
                window = new Window();
                minuteStart = now;
            }
        }
        await Task.WhenAll(pending);
        var used = cpu.Stop();
        var ok = Interlocked.Read(ref _answered);
        if (window.Sent > 0)
        {
            var line = Close(window, minutes.Count + 1, names, minutes);
            report.AppendLine(line);
        }

        report.AppendLine();
        report.AppendLine(Growth(names, minutes));
        report.AppendLine();
        report.AppendLine(ok == 0 ? "No request answered: no CPU per request." : "CPU ms per answered request over the whole run: " + string.Join(", ",
            used.OrderBy(u => u.Key, StringComparer.Ordinal).Append(new("total", used.Values.Aggregate(TimeSpan.Zero, (sum, t) => sum + t)))
                .Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Key} {u.Value.TotalMilliseconds / ok:F2}"))));
        return report.ToString();
    }

    private async Task SendAsync(HttpClient http, long scheduled, Window window, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            await LoadGenerator.SendOnceAsync(http, target, cancellationToken);
            var micros = (long)Stopwatch.GetElapsedTime(scheduled).TotalMicroseconds;
            lock (window)
            {
                window.Latency.RecordValue(Math.Min(micros, 60_000_000));
                window.Ok++;
            }
            Interlocked.Increment(ref _answered);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            lock (window)
            {
                window.Failed++;
            }
        }
        finally
        {
            inFlight.Release();
        }
    }

    private string Close(Window window, int minute, List<string> names, List<Dictionary<string, long>> minutes)
    {
        var memory = names.ToDictionary(n => n, n => ProcessMemory.ResidentBytes(processes[n]) ?? 0);
        minutes.Add(memory);
        lock (window)
        {
            var p50 = window.Ok == 0 ? "-" : (window.Latency.GetValueAtPercentile(50) / 1000.0).ToString("F2", CultureInfo.InvariantCulture);
            var p99 = window.Ok == 0 ? "-" : (window.Latency.GetValueAtPercentile(99) / 1000.0).ToString("F2", CultureInfo.InvariantCulture);
            var resident = string.Join(" | ", names.Select(n => (memory[n] / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)));
            return string.Create(CultureInfo.InvariantCulture,
                $"| {minute} | {window.Sent} | {window.Ok} | {window.Failed} | {window.Dropped} | {p50} | {p99} | {resident} |");
        }
    }

    /// <summary>Resident set at the end against the second minute (after JIT, caches and pools have settled).</summary>
    private static string Growth(List<string> names, List<Dictionary<string, long>> minutes)
    {
        if (minutes.Count < 3)
        {
            return "Too short to judge growth (needs 3 minutes or more).";
        }
        var text = new StringBuilder("Growth from minute 2 to the end: ");
        text.AppendJoin(", ", names.Select(n =>
        {
            var from = minutes[1][n] / 1048576.0;
            var to = minutes[^1][n] / 1048576.0;
            return string.Create(CultureInfo.InvariantCulture, $"{n} {to - from:+0;-0;0} MiB ({(from == 0 ? 0 : (to - from) / from * 100):+0.0;-0.0;0.0} %)");
        }));
        return text.ToString();
    }

    private sealed class Window
    {
        public LongHistogram Latency { get; } = LoadGenerator.NewHistogram();
        public long Sent { get; set; }
        public long Ok { get; set; }
        public long Failed { get; set; }
        public long Dropped { get; set; }
    }
}

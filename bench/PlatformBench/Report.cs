using System.Globalization;
using System.Text;

namespace AiAspire.PlatformBench;

/// <summary>Formats the results: one latency/throughput table and one memory table, as Markdown.</summary>
internal static class Report
{
    private const double MiB = 1024 * 1024;

    public static string Table(IReadOnlyList<(PointKey Key, PointResult Result)> points)
    {
        var byKey = points.ToDictionary(p => (p.Key.Scenario, p.Key.DelayMs, p.Key.Concurrency), p => p.Result);
        var text = new StringBuilder();
        text.AppendLine("| scenario | upstream | conc. | p50 ms | p99 ms | req/s | p50 overhead ms | p99 overhead ms | errors |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (key, result) in points)
        {
            var baseline = key.Baseline == key.Scenario
                ? null
                : byKey.GetValueOrDefault((key.Baseline, key.BaselineDelayMs, key.Concurrency));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {key.Scenario} | {(key.DelayMs is { } d ? d + " ms" : "none")} | {key.Concurrency} | {Ms(result.P50Ms)} | {Ms(result.P99Ms)} | " +
                $"{result.RequestsPerSecond:F0} | {Overhead(result.P50Ms, baseline?.P50Ms)} | {Overhead(result.P99Ms, baseline?.P99Ms)} | " +
                $"{(result.Failures == 0 ? "0" : $"{result.Failures} ({result.FirstError})")} |"));
        }
        return text.ToString();
    }

    /// <summary>Per process: resident set after start, its median over the phases <paramref name="loadPhase"/> picks for it, and its peak.</summary>
    public static string Memory(IReadOnlyList<MemorySampler.Sample> samples, Func<string, string, bool> loadPhase)
    {
        var text = new StringBuilder();
        text.AppendLine("| process | idle MiB | under load MiB (median) | peak MiB |");
        text.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var process in samples.Select(s => s.Process).Distinct().Order(StringComparer.Ordinal))
        {
            var own = samples.Where(s => s.Process == process).ToList();
            var idle = own.Where(s => s.Phase == "idle").Select(s => s.Bytes).DefaultIfEmpty(own[0].Bytes).First();
            var loaded = own.Where(s => loadPhase(process, s.Phase)).Select(s => s.Bytes).Order().ToList();
            var median = loaded.Count == 0 ? (double?)null : loaded[loaded.Count / 2];
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {process} | {idle / MiB:F0} | {(median is { } m ? (m / MiB).ToString("F0", CultureInfo.InvariantCulture) : "-")} | {own.Max(s => s.Bytes) / MiB:F0} |"));
        }
        return text.ToString();
    }

    /// <summary>Per point: CPU milliseconds each process group spent per successful request, and their sum.</summary>
    public static string Cpu(IReadOnlyList<(PointKey Key, PointResult Result)> points, IEnumerable<string> groups)
    {
        var columns = groups.Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        text.AppendLine($"| scenario | conc. | {string.Join(" | ", columns)} | total |");
        text.AppendLine($"| --- | ---: |{string.Concat(columns.Select(_ => " ---: |"))} ---: |");
        foreach (var (key, result) in points.Where(p => p.Result.Latency.TotalCount > 0 && p.Result.Cpu.Count > 0))
        {
            var requests = (double)result.Latency.TotalCount;
            string PerRequest(TimeSpan? time) => time is { } t ? (t.TotalMilliseconds / requests).ToString("F2", CultureInfo.InvariantCulture) : "-";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {key.Scenario} | {key.Concurrency} | {string.Join(" | ", columns.Select(c => PerRequest(result.Cpu.TryGetValue(c, out var t) ? t : null)))} | " +
                $"{PerRequest(result.Cpu.Values.Aggregate(TimeSpan.Zero, (sum, t) => sum + t))} |"));
        }
        return text.ToString();
    }

    /// <summary>Per AiAspire point: Redis commands per successful request, their server time, and the commands that cost most.</summary>
    public static string Redis(IReadOnlyList<(PointKey Key, PointResult Result)> points)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | conc. | commands/request | Redis µs/request | top commands: calls/request (µs/request) |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var (key, result) in points.Where(p => p.Result.Latency.TotalCount > 0 && p.Result.RedisCommands.Count > 0))
        {
            var requests = (double)result.Latency.TotalCount;
            var top = result.RedisCommands.OrderByDescending(c => c.Value.Microseconds).Take(6)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value.Calls / requests:F2} ({c.Value.Microseconds / requests:F1})"));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {key.Scenario} | {key.Concurrency} | {result.RedisCommands.Values.Sum(c => c.Calls) / requests:F2} | " +
                $"{result.RedisCommands.Values.Sum(c => c.Microseconds) / requests:F1} | {string.Join(", ", top)} |"));
        }
        return text.ToString();
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}, load average {LoadAverage()}");
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Overhead(double value, double? baseline) =>
        baseline is { } b && !double.IsNaN(b) && !double.IsNaN(value)
            ? (value - b).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture)
            : "";
}

using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace AiAspire.EventBusBench;

/// <summary>
/// A .NET process's memory while it runs: its resident set from /proc, and what its GC reported after the last
/// collection (heap size over all generations, committed memory, collections so far), read from the runtime's
/// System.Runtime meter over EventPipe as dotnet-counters reads it. Heap size growing across collections is retained
/// objects (a leak, or a cache filling); a resident set growing over a steady heap is the GC's sizing.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private const string MetricsProvider = "System.Diagnostics.Metrics";
    private const long TimeSeriesValues = 0x2;

    private readonly int _pid;
    private readonly string _sessionId = Guid.NewGuid().ToString("N");
    private readonly EventPipeSession? _session;
    private readonly Task _reader = Task.CompletedTask;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _heapByGeneration = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _freeByGeneration = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _collections = new(StringComparer.Ordinal);
    private double _committed = double.NaN;

    private MemorySampler(int pid, TimeSpan refresh)
    {
        _pid = pid;
        try
        {
            var provider = new EventPipeProvider(MetricsProvider, EventLevel.Informational, TimeSeriesValues, new Dictionary<string, string>
            {
                ["SessionId"] = _sessionId,
                ["Metrics"] = "System.Runtime",
                ["RefreshInterval"] = ((int)Math.Max(1, refresh.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                ["MaxTimeSeries"] = "1000",
                ["MaxHistograms"] = "10",
            });
            _session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false);
            var source = new EventPipeEventSource(_session.EventStream);
            source.Dynamic.All += OnEvent;
            _reader = Task.Run(() =>
            {
                using (source)
                {
                    source.Process();
                }
            });
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or DiagnosticsClientException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"  (no GC figures: cannot open an EventPipe session to pid {pid}: {ex.Message})");
        }
    }

    /// <param name="refresh">How often the runtime publishes its figures.</param>
    public static MemorySampler Start(int pid, TimeSpan refresh) => new(pid, refresh);

    /// <summary>Resident set now; GC figures as of the latest collection the runtime published (NaN before the first).</summary>
    public MemorySample Read()
    {
        lock (_lock)
        {
            var heap = _heapByGeneration.Count == 0 ? double.NaN : _heapByGeneration.Values.Sum();
            var (resident, anonymous) = ResidentBytes(_pid);
            return new MemorySample(resident, anonymous, heap, _freeByGeneration.Values.Sum(), _committed,
                (long)_collections.GetValueOrDefault("gen0"), (long)_collections.GetValueOrDefault("gen1"), (long)_collections.GetValueOrDefault("gen2"));
        }
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.ProviderName != MetricsProvider || e.PayloadByName("sessionId") as string != _sessionId)
        {
            if (e.EventName?.StartsWith("MultipleSessions", StringComparison.Ordinal) == true)
            {
                // The runtime serves one metrics session at a time: another tool (dotnet-counters) is listening.
                Console.Error.WriteLine($"  (no GC figures: {e.EventName}; is dotnet-counters attached to pid {_pid}?)");
            }
            return;
        }
        var instrument = e.PayloadByName("instrumentName") as string;
        var tags = e.PayloadByName("tags") as string ?? "";
        // Observable up-down counters and gauges carry the value itself; observable counters, the change since the last.
        var text = e.EventName switch
        {
            "UpDownCounterRateValuePublished" => e.PayloadByName("value") as string,
            "GaugeValuePublished" => e.PayloadByName("lastValue") as string,
            "CounterRateValuePublished" => e.PayloadByName("rate") as string,
            _ => null,
        };
        if (instrument is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return;
        }
        var generation = Tag(tags, "gc.heap.generation");
        lock (_lock)
        {
            switch (instrument)
            {
                case "dotnet.gc.last_collection.heap.size" when generation is not null:
                    _heapByGeneration[generation] = value;
                    break;
                case "dotnet.gc.last_collection.heap.fragmentation.size" when generation is not null:
                    _freeByGeneration[generation] = value;
                    break;
                case "dotnet.gc.last_collection.memory.committed_size":
                    _committed = value;
                    break;
                case "dotnet.gc.collections" when generation is not null && e.EventName == "CounterRateValuePublished":
                    _collections[generation] = _collections.GetValueOrDefault(generation) + value;
                    break;
            }
        }
    }

    private static string? Tag(string tags, string name)
    {
        foreach (var pair in tags.Split(','))
        {
            var separator = pair.IndexOf('=');
            if (separator > 0 && pair.AsSpan(0, separator).SequenceEqual(name))
            {
                return pair[(separator + 1)..];
            }
        }
        return null;
    }

    /// <returns>The resident set, and its anonymous part (heaps, stacks, JIT code; the rest is mapped files).</returns>
    private static (long Resident, long Anonymous) ResidentBytes(int pid)
    {
        long resident = 0, anonymous = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = Kibibytes(line);
                }
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anonymous = Kibibytes(line);
                }
            }
        }
        catch (IOException)
        {
        }
        return (resident, anonymous);

        static long Kibibytes(string line) =>
            1024 * long.Parse(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            _session?.Stop();
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException)
        {
            // The process has exited: nothing to stop.
        }
        _reader.Wait(TimeSpan.FromSeconds(5));
        _session?.Dispose();
    }
}

/// <param name="AnonymousBytes">The part of <paramref name="ResidentBytes"/> not backed by files.</param>
/// <param name="HeapBytes">All generations after the last collection, free space between objects included.</param>
/// <param name="FreeBytes">The free space (fragmentation) in <paramref name="HeapBytes"/>: a background collection leaves
/// what it freed in gen2 as free space rather than compacting it.</param>
internal readonly record struct MemorySample(
    long ResidentBytes, long AnonymousBytes, double HeapBytes, double FreeBytes, double CommittedBytes, long Gen0, long Gen1, long Gen2)
{
    public override string ToString() =>
        $"RSS {ResidentBytes / 1048576.0:N0} MiB (anonymous {AnonymousBytes / 1048576.0:N0}), GC heap {HeapBytes / 1048576.0:N1} MiB ({FreeBytes / 1048576.0:N1} free), committed {CommittedBytes / 1048576.0:N0} MiB, collections gen0/1/2 {Gen0}/{Gen1}/{Gen2}";
}

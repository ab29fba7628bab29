using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Routing;

/// <summary>
/// What the router has seen of each deployment in this process: calls in flight, and moving averages of time to first
/// token and total latency. <see cref="CompletionRouter"/> feeds it; the least-busy and latency strategies read it.
/// </summary>
public sealed class DeploymentObservations(IOptionsMonitor<RouterOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    public int InFlight(string deployment) =>
        _entries.TryGetValue(deployment, out var entry) ? Volatile.Read(ref entry.InFlight) : 0;

    /// <summary>Counts a call as in flight until the returned handle is disposed.</summary>
    public IDisposable Begin(string deployment)
    {
        var entry = _entries.GetOrAdd(deployment, static _ => new Entry());
        Interlocked.Increment(ref entry.InFlight);
        return new Call(entry);
    }

    /// <summary>Folds one successful (or timed-out) call into the moving averages.</summary>
    /// <param name="firstTokenMs">Time to the first streamed token; null for a call that was not streamed.</param>
    public void Record(string deployment, double? firstTokenMs, double totalMs)
    {
        var alpha = Math.Clamp(options.CurrentValue.LatencySmoothing, 0.01, 1);
        var entry = _entries.GetOrAdd(deployment, static _ => new Entry());
        lock (entry)
        {
            entry.Total = Fold(entry.Total, totalMs, alpha);
            if (firstTokenMs is { } ttft)
            {
                entry.FirstToken = Fold(entry.FirstToken, ttft, alpha);
            }
            entry.Samples++;
        }
    }

    public LatencyEstimate? Latency(string deployment)
    {
        if (!_entries.TryGetValue(deployment, out var entry))
        {
            return null;
        }
        lock (entry)
        {
            return entry.Total is { } total ? new LatencyEstimate(entry.FirstToken, total, entry.Samples) : null;
        }
    }

    private static double Fold(double? average, double sample, double alpha) =>
        average is { } a ? a + alpha * (sample - a) : sample;

    private sealed class Entry
    {
        public int InFlight;
        public double? FirstToken;
        public double? Total;
        public long Samples;
    }

    private sealed class Call(Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref entry.InFlight);
            }
        }
    }
}

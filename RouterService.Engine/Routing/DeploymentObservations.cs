using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Routing;

/// <summary>
/// What the router has seen of each deployment: calls in flight (this process only), and moving averages of time to first
/// token and total latency — this process's, folded together with those other replicas share through Redis
/// (<see cref="SharedState.SharedLatency"/>). <see cref="CompletionRouter"/> feeds it; the least-busy and latency strategies read it.
/// </summary>
public sealed class DeploymentObservations(IOptionsMonitor<RouterOptions> options)
{
    /// <summary>Caps a replica's weight in the shared average: past it, more calls do not make a replica more right.</summary>
    private const long MaxSamplesWeight = 50;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IReadOnlyList<LatencyEstimate>> _others = new(StringComparer.OrdinalIgnoreCase);

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

    /// <summary>This replica's averages folded with the other replicas' (weighted by calls observed, capped); null when nobody has observed the deployment.</summary>
    public LatencyEstimate? Latency(string deployment)
    {
        var own = OwnLatency(deployment);
        if (!_others.TryGetValue(deployment, out var others) || others.Count == 0)
        {
            return own;
        }
        IReadOnlyList<LatencyEstimate> all = own is null ? others : [own, .. others];
        double Weight(LatencyEstimate e) => Math.Clamp(e.Samples, 1, MaxSamplesWeight);
        var total = all.Sum(e => Weight(e) * e.TotalMs) / all.Sum(Weight);
        var streamed = all.Where(e => e.FirstTokenMs is not null).ToList();
        double? firstToken = streamed.Count == 0 ? null : streamed.Sum(e => Weight(e) * e.FirstTokenMs!.Value) / streamed.Sum(Weight);
        return new LatencyEstimate(firstToken, total, all.Sum(e => e.Samples), others.Count);
    }

    /// <summary>This replica's own averages, as it shares them.</summary>
    public LatencyEstimate? OwnLatency(string deployment)
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

    /// <summary>Replaces what the other replicas last shared about <paramref name="deployment"/>.</summary>
    public void SetOthers(string deployment, IReadOnlyList<LatencyEstimate> others)
    {
        if (others.Count == 0)
        {
            _others.TryRemove(deployment, out _);
        }
        else
        {
            _others[deployment] = others;
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

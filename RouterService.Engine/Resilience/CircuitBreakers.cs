using System.Collections.Concurrent;
using System.Globalization;
using AiAspire.RouterService.Routing;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Resilience;

/// <summary>
/// One circuit per deployment. Closed: calls pass. After <see cref="RouterOptions.BreakerFailureThreshold"/> consecutive
/// transient failures it opens and calls skip the deployment; after <see cref="RouterOptions.BreakerBreakDuration"/> one
/// probe call at a time may pass (half-open): its success closes the circuit, its failure opens it again.
/// </summary>
public sealed class CircuitBreakers(IOptionsMonitor<RouterOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Circuit> _circuits = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a call to <paramref name="deployment"/> may go ahead now; if not, why.</summary>
    public bool TryEnter(string deployment, out string? refusal)
    {
        refusal = null;
        if (options.CurrentValue.BreakerFailureThreshold <= 0 || !_circuits.TryGetValue(deployment, out var circuit))
        {
            return true;
        }
        lock (circuit)
        {
            if (circuit.OpenedAt is not { } openedAt)
            {
                return true;
            }
            var reopensAt = openedAt + options.CurrentValue.BreakerBreakDuration;
            var now = time.GetUtcNow();
            if (now >= reopensAt && !circuit.Probing)
            {
                circuit.Probing = true;
                return true;
            }
            refusal = now >= reopensAt
                ? "circuit open: a probe call is under way"
                : string.Create(CultureInfo.InvariantCulture, $"circuit open after {circuit.Failures} consecutive failures, probed again at {reopensAt:HH:mm:ss}");
            return false;
        }
    }

    /// <summary>The deployment answered (a refusal such as a 400 counts: it is up), which closes its circuit.</summary>
    public void Succeeded(string deployment)
    {
        if (_circuits.TryGetValue(deployment, out var circuit))
        {
            lock (circuit)
            {
                circuit.Failures = 0;
                circuit.OpenedAt = null;
                circuit.Probing = false;
            }
        }
    }

    /// <summary>Counts a transient failure; returns true when the circuit is (now) open.</summary>
    public bool Failed(string deployment)
    {
        var threshold = options.CurrentValue.BreakerFailureThreshold;
        if (threshold <= 0)
        {
            return false;
        }
        var circuit = _circuits.GetOrAdd(deployment, static _ => new Circuit());
        lock (circuit)
        {
            circuit.Failures++;
            if (circuit.Probing || (circuit.OpenedAt is null && circuit.Failures >= threshold))
            {
                circuit.OpenedAt = time.GetUtcNow();
                circuit.Probing = false;
            }
            return circuit.OpenedAt is not null;
        }
    }

    /// <summary>A call that ended without a verdict on the deployment's health (the caller went away) frees the probe slot.</summary>
    public void Released(string deployment)
    {
        if (_circuits.TryGetValue(deployment, out var circuit))
        {
            lock (circuit)
            {
                circuit.Probing = false;
            }
        }
    }

    public bool IsOpen(string deployment)
    {
        if (!_circuits.TryGetValue(deployment, out var circuit))
        {
            return false;
        }
        lock (circuit)
        {
            return circuit.OpenedAt is not null;
        }
    }

    private sealed class Circuit
    {
        public int Failures;
        public DateTimeOffset? OpenedAt;
        public bool Probing;
    }
}

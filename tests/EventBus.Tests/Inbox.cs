using System.Collections.Concurrent;
using System.Diagnostics;
using AiAspire.Contracts.Events;

namespace AiAspire.EventBus.Tests;

/// <summary>What a test's handler saw: every attempt, in order, with the pending count and trace at that moment.</summary>
internal sealed class Inbox
{
    private readonly ConcurrentQueue<Delivery> _deliveries = new();

    /// <summary>Decides per event whether the handler throws (after recording the attempt).</summary>
    public Func<InferenceCompleted, bool> Fails { get; init; } = _ => false;

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    public void Record(Delivery delivery) => _deliveries.Enqueue(delivery);

    public IReadOnlyList<Delivery> Succeeded(string requestIdPrefix) =>
        [.. _deliveries.Where(d => d.Succeeded && d.Event.RequestId.StartsWith(requestIdPrefix, StringComparison.Ordinal))];

    public IReadOnlyList<Delivery> Attempts(string requestId) =>
        [.. _deliveries.Where(d => d.Event.RequestId == requestId)];
}

internal sealed record Delivery(
    InferenceCompleted Event,
    EventContext Context,
    bool Succeeded,
    long PendingWhileHandling,
    ActivityContext? Trace);

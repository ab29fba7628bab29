using System.Collections.Concurrent;
using AiAspire.Contracts.Events;
using AiAspire.EventBus.Consuming;

namespace AiAspire.EventBus.Tests;

/// <summary>A batch handler that records each batch it was handed and each event it handled, in the test's <see cref="Inbox"/>.</summary>
internal sealed class BatchRecordingHandler(Inbox inbox, Batches batches) : IBatchEventHandler<InferenceCompleted>
{
    public Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<InferenceCompleted>> events, CancellationToken cancellationToken)
    {
        batches.Sizes.Enqueue(events.Count);
        if (events.Any(e => inbox.Fails(e.Event)))
        {
            throw new InvalidOperationException("Batch handler told to fail: it holds an event that fails.");
        }
        foreach (var (@event, context) in events)
        {
            inbox.Record(new Delivery(@event, context, Succeeded: true, PendingWhileHandling: -1, Trace: null));
        }
        return Task.CompletedTask;
    }

    public Task HandleAsync(InferenceCompleted @event, EventContext context, CancellationToken cancellationToken)
    {
        var fails = inbox.Fails(@event);
        inbox.Record(new Delivery(@event, context, !fails, PendingWhileHandling: -1, Trace: null));
        return fails ? throw new InvalidOperationException($"Handler told to fail for {@event.RequestId}.") : Task.CompletedTask;
    }
}

/// <summary>The sizes of the batches a <see cref="BatchRecordingHandler"/> was handed, in order.</summary>
internal sealed class Batches
{
    public ConcurrentQueue<int> Sizes { get; } = new();
}

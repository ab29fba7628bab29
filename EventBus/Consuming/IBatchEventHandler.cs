using AiAspire.Contracts.Events;

namespace AiAspire.EventBus.Consuming;

/// <summary>
/// An <see cref="IEventHandler{TEvent}"/> that can also take a whole read batch at once, so that it can apply it in one
/// round trip. The Redis Streams consumer hands it each batch it reads and acknowledges the batch when it returns.
/// If it throws, the consumer hands it each event of the batch alone, so one event it cannot handle does not hold
/// back the others; such an event stays pending for redelivery. Delivery is at least once: it must be idempotent by
/// <see cref="EventContext.EventId"/>, also across a batch it applied only part of before failing.
/// </summary>
public interface IBatchEventHandler<TEvent> : IEventHandler<TEvent> where TEvent : IIntegrationEvent<TEvent>
{
    /// <param name="events">In stream order; the same event id may appear twice (a publisher's replay).</param>
    Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TEvent>> events, CancellationToken cancellationToken);
}

using AiAspire.Contracts.Events;

namespace AiAspire.EventBus;

/// <summary>Handles one event type. Delivery is at least once: handlers must be idempotent by <see cref="EventContext.EventId"/>.</summary>
public interface IEventHandler<in TEvent> where TEvent : IIntegrationEvent<TEvent>
{
    Task HandleAsync(TEvent @event, EventContext context, CancellationToken cancellationToken);
}

/// <param name="EventId">The CloudEvent id: stable across redeliveries.</param>
public sealed record EventContext(string EventId, string Topic, DateTimeOffset? Time, int DeliveryCount);

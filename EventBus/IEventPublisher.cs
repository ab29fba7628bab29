using AiAspire.Contracts.Events;

namespace AiAspire.EventBus;

/// <summary>Publishes integration events without ever blocking or failing the caller.</summary>
public interface IEventPublisher
{
    /// <returns>False when the event could not be queued (the send buffer is full); the loss is logged and counted.</returns>
    bool Publish<TEvent>(TEvent @event) where TEvent : IIntegrationEvent<TEvent>;
}

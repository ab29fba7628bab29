using AiAspire.Contracts.Events;

namespace AiAspire.EventBus.Consuming;

/// <summary>One event of a batch handed to an <see cref="IBatchEventHandler{TEvent}"/>.</summary>
public readonly record struct ConsumedEvent<TEvent>(TEvent Event, EventContext Context) where TEvent : IIntegrationEvent<TEvent>;

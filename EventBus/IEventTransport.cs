namespace AiAspire.EventBus;

/// <summary>Puts encoded messages on a bus (Redis Streams; Kafka lands with the event-bus issue).</summary>
public interface IEventTransport
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

namespace AiAspire.EventBus;

/// <summary>Puts encoded messages on a bus (Redis Streams or Kafka).</summary>
public interface IEventTransport
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Sends the messages in order.</summary>
    /// <exception cref="EventTransportException">Not all were sent; <see cref="EventTransportException.Sent"/> leading ones were.</exception>
    async Task SendBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            try
            {
                await SendAsync(messages[i], cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw new EventTransportException(i, ex);
            }
        }
    }
}

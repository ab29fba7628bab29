using Confluent.Kafka;

namespace AiAspire.EventBus.Kafka;

/// <summary>Produces to one topic per event topic with an idempotent producer (acks=all); key = tenant.</summary>
public sealed class KafkaTransport(KafkaConnection connection, KafkaTopics topics) : IEventTransport, IDisposable
{
    private readonly Lazy<IProducer<string, byte[]>> _producer =
        new(() => new ProducerBuilder<string, byte[]>(KafkaConfigs.Producer(connection)).Build());

    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        await topics.EnsureAsync(message.Topic).WaitAsync(cancellationToken);
        await _producer.Value.ProduceAsync(message.Topic, KafkaMessages.ToRecord(message), cancellationToken);
    }

    /// <summary>Hands the whole batch to the producer before awaiting: the idempotent producer keeps each partition's order.</summary>
    public async Task SendBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var topic in messages.Select(m => m.Topic).Distinct())
        {
            try
            {
                await topics.EnsureAsync(topic).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is KafkaException)
            {
                throw new EventTransportException(0, ex);
            }
        }
        var sends = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            sends[i] = _producer.Value.ProduceAsync(messages[i].Topic, KafkaMessages.ToRecord(messages[i]), CancellationToken.None);
        }
        for (var i = 0; i < sends.Length; i++)
        {
            try
            {
                await sends[i].WaitAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                for (var rest = i + 1; rest < sends.Length; rest++)
                {
                    _ = sends[rest].ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
                }
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                throw new EventTransportException(i, ex);
            }
        }
    }

    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Flush(TimeSpan.FromSeconds(5));
            _producer.Value.Dispose();
        }
    }
}

using Confluent.Kafka;

namespace AiAspire.EventBus.Kafka;

/// <summary>The client settings the bus's delivery guarantees rest on, over the connection's brokers and security settings.</summary>
public static class KafkaConfigs
{
    /// <summary>Idempotent, acks from all in-sync replicas: no loss and no duplicates from producer retries, order kept per partition.</summary>
    public static ProducerConfig Producer(KafkaConnection connection) => connection.ApplyTo(new ProducerConfig
    {
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        MessageTimeoutMs = 30_000,
    });

    /// <summary>Offsets are committed by the consumer only after its handler is done with a message.</summary>
    public static ConsumerConfig Consumer(KafkaConnection connection, string groupId) => connection.ApplyTo(new ConsumerConfig
    {
        GroupId = groupId,
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        IsolationLevel = IsolationLevel.ReadCommitted,
    });

    public static AdminClientConfig Admin(KafkaConnection connection) => connection.ApplyTo(new AdminClientConfig());
}

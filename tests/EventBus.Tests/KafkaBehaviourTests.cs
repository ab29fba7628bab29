using AiAspire.EventBus.Kafka;
using Confluent.Kafka;

namespace AiAspire.EventBus.Tests;

/// <summary>
/// The shared suite on Kafka. It runs when KAFKA_BOOTSTRAP_SERVERS names a broker; without one (no broker can run on
/// the development machines) each test is reported as skipped, never as passed.
/// </summary>
[RequiresEnvironment("KAFKA_BOOTSTRAP_SERVERS")]
public sealed class KafkaBehaviourTests : EventBusBehaviourTests
{
    private static readonly string? BootstrapServers = Environment.GetEnvironmentVariable("KAFKA_BOOTSTRAP_SERVERS") is { Length: > 0 } servers
        ? servers
        : null;

    protected override IDictionary<string, string?> TransportSettings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:events"] = BootstrapServers,
        ["EventBus:Kafka:Partitions"] = "3",
    };

    protected override Task<IReadOnlyList<string>> DeadLetteredEventIdsAsync(string topic, string group)
    {
        // KAFKA_BOOTSTRAP_SERVERS may be a Key=Value connection string with SASL settings (Event Hubs, Confluent Cloud).
        var options = new KafkaOptions();
        KafkaConnectionString.ApplyTo(BootstrapServers!, options);
        var config = KafkaConfigs.Consumer(KafkaConnection.From(options), "dlq-reader-" + Guid.NewGuid().ToString("N"));
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(DeadLetters.TopicOf(topic));
        var ids = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
            if (result?.Message is { } record && KafkaMessages.Header(record.Headers, KafkaMessages.GroupHeader) == group)
            {
                ids.Add(EventEnvelope.Decode<AiAspire.Contracts.Events.InferenceCompleted>(record.Value).Envelope.Id!);
            }
        }
        consumer.Close();
        return Task.FromResult<IReadOnlyList<string>>(ids);
    }
}

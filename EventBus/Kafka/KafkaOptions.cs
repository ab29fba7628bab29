using System.ComponentModel.DataAnnotations;

namespace AiAspire.EventBus.Kafka;

/// <summary>Kafka specifics; the bootstrap servers are the connection string <c>events</c>.</summary>
public sealed class KafkaOptions
{
    public const string Section = "EventBus:Kafka";

    /// <summary>Partitions of each topic (and its dead-letter topic) when the bus creates it.</summary>
    [Range(1, 1_000)]
    public int Partitions { get; set; } = 3;

    [Range(1, 10)]
    public short ReplicationFactor { get; set; } = 1;

    /// <summary>First pause before a failed handler is retried; doubled each time, up to <see cref="Publishing.EventBusOptions.MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}

using System.ComponentModel.DataAnnotations;

namespace AiAspire.EventBus.Kafka;

/// <summary>
/// Kafka specifics. The bootstrap servers are the connection string <c>events</c>, which may also carry the security
/// settings below as <c>Key=Value</c> pairs (they win over this section); see <see cref="KafkaConnectionString"/>.
/// </summary>
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

    /// <summary>Set from the connection string <c>events</c>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// <c>Plaintext</c> (the default), <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c>; Kafka's own spellings
    /// (<c>SASL_SSL</c>) are accepted too. <c>SaslSsl</c> when a SASL user is given and this is not.
    /// </summary>
    public string? SecurityProtocol { get; set; }

    /// <summary><c>Plain</c>, <c>ScramSha256</c>, <c>ScramSha512</c>, <c>Gssapi</c> or <c>OAuthBearer</c> (or <c>PLAIN</c>, <c>SCRAM-SHA-256</c>…); <c>Plain</c> when a user is given and this is not.</summary>
    public string? SaslMechanism { get; set; }

    /// <summary>The SASL user; for Azure Event Hubs the literal <c>$ConnectionString</c>, for Confluent Cloud the API key.</summary>
    public string? SaslUsername { get; set; }

    /// <summary>
    /// A secret (Event Hubs: the namespace's connection string; Confluent Cloud: the API secret): supply it from a
    /// deployment parameter or user secrets. It is never logged nor part of any message or <c>ToString</c>.
    /// </summary>
    public string? SaslPassword { get; set; }

    /// <summary>A PEM file (or <c>probe</c>) with the CAs that sign the brokers' certificates; the system's store when unset.</summary>
    public string? SslCaLocation { get; set; }
}

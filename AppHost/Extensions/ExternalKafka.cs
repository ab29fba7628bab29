namespace AiAspire.AppHost.Extensions;

/// <summary>
/// A Kafka the platform does not run (Azure Event Hubs' Kafka endpoint, Confluent Cloud, a managed cluster): the
/// connection string parameter <c>events</c> (bootstrap servers) and how clients authenticate to it.
/// </summary>
public sealed record ExternalKafka(
    IResourceBuilder<IResourceWithConnectionString> Connection,
    string SecurityProtocol,
    string? SaslMechanism,
    IResourceBuilder<ParameterResource>? SaslUsername,
    IResourceBuilder<ParameterResource>? SaslPassword,
    string? SslCaLocation,
    string? ReplicationFactor);

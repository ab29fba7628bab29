namespace AiAspire.AppHost.Extensions;

public static class ExternalKafkaExtensions
{
    /// <summary>The settings that choose and describe an external Kafka: <c>Infrastructure:Kafka:External=true</c> and the rest.</summary>
    public const string Section = "Infrastructure:Kafka";

    /// <summary>
    /// Declares an external Kafka instead of the Kafka container: the connection string parameter <paramref name="name"/>
    /// (the bootstrap servers, e.g. <c>&lt;namespace&gt;.servicebus.windows.net:9093</c>), and with SASL (the default,
    /// <c>SaslSsl</c> with <c>Plain</c>) the parameters <c>&lt;name&gt;-sasl-username</c> and the secret
    /// <c>&lt;name&gt;-sasl-password</c>. <c>SecurityProtocol</c>, <c>SaslMechanism</c>, <c>SslCaLocation</c> and
    /// <c>ReplicationFactor</c> under <see cref="Section"/> are shape, not secrets, and go to the services as they are.
    /// </summary>
    public static ExternalKafka AddExternalKafka(this IDistributedApplicationBuilder builder, string name)
    {
        var section = builder.Configuration.GetSection(Section);
        var protocol = string.IsNullOrWhiteSpace(section["SecurityProtocol"]) ? "SaslSsl" : section["SecurityProtocol"]!.Trim();
        var sasl = protocol.Replace("_", "", StringComparison.Ordinal).StartsWith("sasl", StringComparison.OrdinalIgnoreCase);

        return new ExternalKafka(
            builder.AddConnectionString(name),
            protocol,
            sasl ? (string.IsNullOrWhiteSpace(section["SaslMechanism"]) ? "Plain" : section["SaslMechanism"]!.Trim()) : null,
            sasl ? builder.AddParameter($"{name}-sasl-username") : null,
            sasl ? builder.AddParameter($"{name}-sasl-password", secret: true) : null,
            NullIfBlank(section["SslCaLocation"]),
            NullIfBlank(section["ReplicationFactor"]));
    }

    /// <summary>The services' Kafka client settings (<c>EventBus:Kafka:*</c>); the password only as a parameter reference.</summary>
    public static IResourceBuilder<ProjectResource> WithExternalKafka(this IResourceBuilder<ProjectResource> project, ExternalKafka kafka)
    {
        project.WithReference(kafka.Connection)
            .WithEnvironment("EventBus__Kafka__SecurityProtocol", kafka.SecurityProtocol);
        if (kafka.SaslMechanism is { } mechanism)
        {
            project.WithEnvironment("EventBus__Kafka__SaslMechanism", mechanism);
        }
        if (kafka.SaslUsername is { } username)
        {
            project.WithEnvironment("EventBus__Kafka__SaslUsername", username);
        }
        if (kafka.SaslPassword is { } password)
        {
            project.WithEnvironment("EventBus__Kafka__SaslPassword", password);
        }
        if (kafka.SslCaLocation is { } caLocation)
        {
            project.WithEnvironment("EventBus__Kafka__SslCaLocation", caLocation);
        }
        if (kafka.ReplicationFactor is { } replicationFactor)
        {
            project.WithEnvironment("EventBus__Kafka__ReplicationFactor", replicationFactor);
        }
        return project;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

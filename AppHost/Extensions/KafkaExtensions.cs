using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiAspire.AppHost.Extensions;

/// <summary>Kafka as a container resource: AppHost's own, since Aspire.Hosting.Kafka is not available here.</summary>
public static class KafkaExtensions
{
    public const string Image = "confluentinc/confluent-local";
    public const string Tag = "7.9.0";
    public const string Registry = "docker.io";

    private const int BrokerPort = 9092;
    private const int InternalBrokerPort = 9093;
    private const string DataTarget = "/var/lib/kafka/data";

    public static IResourceBuilder<KafkaServerResource> AddKafka(this IDistributedApplicationBuilder builder, string name)
    {
        var kafka = new KafkaServerResource(name);

        string? bootstrapServers = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(kafka, async (_, ct) =>
            bootstrapServers = await kafka.ConnectionStringExpression.GetValueAsync(ct));

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new KafkaHealthCheck(() => bootstrapServers),
            failureStatus: default,
            tags: default));

        return builder.AddResource(kafka)
            .WithEndpoint(targetPort: BrokerPort, name: KafkaServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithEndpoint(targetPort: InternalBrokerPort, name: KafkaServerResource.InternalEndpointName, scheme: "tcp")
            .WithImage(Image, Tag)
            .WithImageRegistry(Registry)
            .WithEnvironment(context => ConfigureListeners(context, kafka))
            .WithHealthCheck(healthCheckKey);
    }

    public static IResourceBuilder<KafkaServerResource> WithDataVolume(this IResourceBuilder<KafkaServerResource> builder) =>
        builder
            .WithEnvironment("KAFKA_LOG_DIRS", DataTarget)
            .WithVolume(VolumeNameGenerator.Generate(builder, "data"), DataTarget);

    private static void ConfigureListeners(EnvironmentCallbackContext context, KafkaServerResource kafka)
    {
        // confluent-local starts KRaft with defaults for PLAINTEXT and CONTROLLER; add one listener for the
        // host (the primary endpoint) and one for other containers (the internal endpoint).
        context.EnvironmentVariables["KAFKA_LISTENERS"] =
            $"PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:{BrokerPort},PLAINTEXT_INTERNAL://0.0.0.0:{InternalBrokerPort}";
        context.EnvironmentVariables["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] =
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT,PLAINTEXT_INTERNAL:PLAINTEXT";

        var primary = kafka.PrimaryEndpoint;
        var @internal = kafka.InternalEndpoint;
        context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = context.ExecutionContext.IsRunMode
            ? ReferenceExpression.Create(
                $"PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:{primary.Property(EndpointProperty.Port)},PLAINTEXT_INTERNAL://{kafka.Name}:{@internal.Property(EndpointProperty.TargetPort)}")
            : ReferenceExpression.Create(
                $"PLAINTEXT://{primary.Property(EndpointProperty.Host)}:29092,PLAINTEXT_HOST://{primary.Property(EndpointProperty.HostAndPort)},PLAINTEXT_INTERNAL://{@internal.Property(EndpointProperty.HostAndPort)}");
    }

    /// <summary>Healthy when the broker answers a metadata request.</summary>
    private sealed class KafkaHealthCheck(Func<string?> bootstrapServers) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (bootstrapServers() is not { } servers)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("The Kafka connection string is not available yet."));
            }

            try
            {
                using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers, SocketTimeoutMs = 3000 }).Build();
                var metadata = admin.GetMetadata(TimeSpan.FromSeconds(3));
                return Task.FromResult(metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("Kafka answered with no brokers."));
            }
            catch (KafkaException ex)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("Kafka did not answer.", ex));
            }
        }
    }
}

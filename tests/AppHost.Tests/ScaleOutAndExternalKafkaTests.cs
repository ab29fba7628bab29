using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.AppHost.Extensions;

namespace AiAspire.AppHost.Tests;

/// <summary>Replica counts for the stateless front (gateway, orchestrator) and a Kafka the platform does not run.</summary>
public sealed class ScaleOutAndExternalKafkaTests
{
    [Fact]
    public async Task Replicas_DefaultToOne()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=containers"]);

        foreach (var name in new[] { "gateway", "orchestrator" })
        {
            Assert.Equal(1, ResourceEnvironment.Named(builder, name).GetReplicaCount());
        }
    }

    [Fact]
    public async Task Replicas_ComeFromConfiguration_AndTheGatewayKeepsItsPublicPortOnTheSharedProxy()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=containers", "--Gateway:Replicas=3", "--Orchestrator:Replicas=2"]);

        Assert.Equal(3, ResourceEnvironment.Named(builder, "gateway").GetReplicaCount());
        Assert.Equal(2, ResourceEnvironment.Named(builder, "orchestrator").GetReplicaCount());
        Assert.All(new[] { "ragservice", "routerservice", "guardrailservice", "feedbackworker" }, name => Assert.Equal(1, ResourceEnvironment.Named(builder, name).GetReplicaCount()));

        // Replicas share one endpoint through Aspire's proxy: the fixed public port belongs to the proxy, each replica gets its own.
        var http = ResourceEnvironment.Named(builder, "gateway").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        Assert.True(http.IsProxied);
        Assert.True(http.IsExternal);
        Assert.Equal(8080, http.Port);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("101")]
    public async Task Replicas_OutOfRange_StopWithAClearMessage(string replicas)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
                ["--Infrastructure:Mode=containers", $"--Orchestrator:Replicas={replicas}"]);
        });

        Assert.Contains($"Orchestrator:Replicas is '{replicas}'; use a whole number from 1 to 100.", Flatten(error));
    }

    [Fact]
    public async Task ExternalKafka_ReplacesTheContainer_WithParameters_AndSaslSslPlainByDefault()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=containers", "--Infrastructure:Kafka:External=true"]);

        Assert.DoesNotContain(builder.Resources, r => r is KafkaServerResource);
        var events = builder.Resources.Single(r => r.Name == "events");
        Assert.IsAssignableFrom<IResourceWithConnectionString>(events);
        Assert.False(builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "events-sasl-username").Secret);
        Assert.True(builder.Resources.OfType<ParameterResource>().Single(p => p.Name == "events-sasl-password").Secret);

        foreach (var service in new[] { "orchestrator", "feedbackworker" })
        {
            var environment = await ResourceEnvironment.OfAsync(builder, service);
            Assert.Equal("{events.connectionString}", environment["ConnectionStrings__events"]);
            Assert.Equal("SaslSsl", environment["EventBus__Kafka__SecurityProtocol"]);
            Assert.Equal("Plain", environment["EventBus__Kafka__SaslMechanism"]);
            Assert.Equal("{events-sasl-username.value}", environment["EventBus__Kafka__SaslUsername"]);
            Assert.Equal("{events-sasl-password.value}", environment["EventBus__Kafka__SaslPassword"]);
            Assert.False(environment.ContainsKey("EventBus__Kafka__SslCaLocation"));
        }
        foreach (var service in new[] { "gateway", "ragservice", "routerservice", "guardrailservice" })
        {
            var environment = await ResourceEnvironment.OfAsync(builder, service);
            Assert.DoesNotContain(environment.Keys, k => k.StartsWith("EventBus__Kafka__", StringComparison.Ordinal) || k == "ConnectionStrings__events");
        }
    }

    [Fact]
    public async Task ExternalKafka_WithTlsOnly_HasNoSaslParameters_AndPassesTheCaLocation()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            "--Infrastructure:Mode=containers", "--Infrastructure:Kafka:External=true",
            "--Infrastructure:Kafka:SecurityProtocol=Ssl", "--Infrastructure:Kafka:SslCaLocation=/etc/ssl/certs/ca-certificates.crt",
            "--Infrastructure:Kafka:ReplicationFactor=3",
        ]);

        Assert.DoesNotContain(builder.Resources, r => r.Name.StartsWith("events-sasl-", StringComparison.Ordinal));
        var environment = await ResourceEnvironment.OfAsync(builder, "orchestrator");
        Assert.Equal("Ssl", environment["EventBus__Kafka__SecurityProtocol"]);
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", environment["EventBus__Kafka__SslCaLocation"]);
        Assert.Equal("3", environment["EventBus__Kafka__ReplicationFactor"]);
        Assert.False(environment.ContainsKey("EventBus__Kafka__SaslPassword"));
    }


    private static string Flatten(Exception error) =>
        error is AggregateException aggregate ? string.Join(" ", aggregate.InnerExceptions.Select(Flatten)) : error.ToString();
}

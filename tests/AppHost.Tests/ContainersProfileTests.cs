using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.AppHost.Extensions;

namespace AiAspire.AppHost.Tests;

/// <summary>The containers profile's app model, inspected without a container runtime.</summary>
public sealed class ContainersProfileTests
{
    private static readonly string[] Services = ["gateway", "orchestrator", "ragservice", "routerservice", "guardrailservice", "feedbackworker"];

    private static async Task<IDistributedApplicationTestingBuilder> ContainersModelAsync() =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=containers"]);

    [Fact]
    public async Task Containers_DefinesRedisKafkaAndQdrant_WithImagesEndpointsVolumesAndHealthChecks()
    {
        await using var builder = await ContainersModelAsync();
        var resources = builder.Resources;

        var cache = Assert.IsType<RedisResource>(resources.Single(r => r.Name == "cache"));
        Assert.Contains("redis", Image(cache));
        Assert.Contains(cache.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/data");

        var events = Assert.IsType<KafkaServerResource>(resources.Single(r => r.Name == "events"));
        Assert.Equal($"{KafkaExtensions.Registry}/{KafkaExtensions.Image}:{KafkaExtensions.Tag}", Image(events));
        var kafkaEndpoints = events.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
        Assert.Equal(9092, kafkaEndpoints["tcp"].TargetPort);
        Assert.Equal(9093, kafkaEndpoints["internal"].TargetPort);
        Assert.Contains(events.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/var/lib/kafka/data");
        Assert.Contains(events.Annotations, a => a is HealthCheckAnnotation);

        var vectors = Assert.IsType<QdrantServerResource>(resources.Single(r => r.Name == "vectors"));
        Assert.Equal($"{QdrantExtensions.Registry}/{QdrantExtensions.Image}:{QdrantExtensions.Tag}", Image(vectors));
        var qdrantEndpoints = vectors.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
        Assert.Equal(6334, qdrantEndpoints["grpc"].TargetPort);
        Assert.Equal("http2", qdrantEndpoints["grpc"].Transport);
        Assert.Equal(6333, qdrantEndpoints["http"].TargetPort);
        Assert.Contains(vectors.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/qdrant/storage");
        Assert.Contains(vectors.Annotations, a => a is HealthCheckAnnotation);
        Assert.True(vectors.ApiKeyParameter.Secret);
    }

    [Fact]
    public async Task Containers_ConnectionStrings_AreBootstrapServersAndQdrantEndpointWithKey()
    {
        await using var builder = await ContainersModelAsync();
        var events = (IResourceWithConnectionString)builder.Resources.Single(r => r.Name == "events");
        var vectors = (IResourceWithConnectionString)builder.Resources.Single(r => r.Name == "vectors");

        Assert.Equal("{events.bindings.tcp.host}:{events.bindings.tcp.port}", events.ConnectionStringExpression.ValueExpression);
        Assert.Equal("Endpoint={vectors.bindings.grpc.url};Key={vectors-api-key.value}", vectors.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task Containers_EveryServiceReferencesWhatItUses()
    {
        await using var builder = await ContainersModelAsync();

        var orchestrator = await EnvironmentAsync(builder, "orchestrator");
        Assert.Equal("{cache.connectionString}", orchestrator["ConnectionStrings__cache"]);
        Assert.Equal("{events.connectionString}", orchestrator["ConnectionStrings__events"]);
        Assert.Contains(orchestrator.Keys, k => k.StartsWith("services__guardrailservice__", StringComparison.Ordinal));
        Assert.Contains(orchestrator.Keys, k => k.StartsWith("services__ragservice__", StringComparison.Ordinal));
        Assert.Contains(orchestrator.Keys, k => k.StartsWith("services__routerservice__", StringComparison.Ordinal));

        var rag = await EnvironmentAsync(builder, "ragservice");
        Assert.Equal("{vectors.connectionString}", rag["ConnectionStrings__vectors"]);

        var worker = await EnvironmentAsync(builder, "feedbackworker");
        Assert.Equal("{cache.connectionString}", worker["ConnectionStrings__cache"]);
        Assert.Equal("{events.connectionString}", worker["ConnectionStrings__events"]);

        var guard = await EnvironmentAsync(builder, "guardrailservice");
        Assert.Equal("{cache.connectionString}", guard["ConnectionStrings__cache"]);

        var gateway = await EnvironmentAsync(builder, "gateway");
        Assert.Equal("{dev-api-key.value}", gateway["Gateway__DevApiKey"]);
        Assert.Equal("{cache.connectionString}", gateway["ConnectionStrings__cache"]);
        Assert.Equal("{internal-secret.value}", gateway["Gateway__InternalSecret"]);
        foreach (var service in Services.Where(s => s != "gateway"))
        {
            Assert.Equal("{internal-secret.value}", (await EnvironmentAsync(builder, service))["Internal__Secret"]);
        }
        foreach (var service in new[] { "orchestrator", "ragservice", "guardrailservice", "routerservice", "feedbackworker" })
        {
            Assert.Contains(gateway.Keys, k => k.StartsWith($"services__{service}__", StringComparison.Ordinal));
        }

        foreach (var name in Services.Where(s => s != "gateway"))
        {
            var resource = builder.Resources.Single(r => r.Name == name);
            Assert.True(resource.Annotations.OfType<WaitAnnotation>().Any(), $"{name} must wait for what it uses.");
        }
    }

    [Fact]
    public async Task OnlyTheGateway_HasExternalEndpoints()
    {
        await using var builder = await ContainersModelAsync();

        var external = builder.Resources
            .Where(r => r.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal))
            .Select(r => r.Name)
            .ToList();

        Assert.Equal(["gateway"], external);
        foreach (var name in Services)
        {
            Assert.Contains(builder.Resources.Single(r => r.Name == name).Annotations, a => a is HealthCheckAnnotation);
        }
    }

    [Fact]
    public async Task Gateway_ListensOn8080_UnlessConfigured()
    {
        await using var defaults = await ContainersModelAsync();
        var endpoint = defaults.Resources.Single(r => r.Name == "gateway").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        Assert.Equal(8080, endpoint.Port);

        await using var configured = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=containers", "--Gateway:Port=9191"]);
        endpoint = configured.Resources.Single(r => r.Name == "gateway").Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
        Assert.Equal(9191, endpoint.Port);
    }

    private static string Image(IResource resource)
    {
        var image = resource.Annotations.OfType<ContainerImageAnnotation>().Single();
        return $"{image.Registry}/{image.Image}:{image.Tag}";
    }

    private static async Task<Dictionary<string, string>> EnvironmentAsync(IDistributedApplicationTestingBuilder builder, string name)
    {
        return await ResourceEnvironment.OfAsync(builder.Resources.Single(r => r.Name == name), DistributedApplicationOperation.Publish);
    }
}

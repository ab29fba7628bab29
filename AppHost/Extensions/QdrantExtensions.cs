namespace AiAspire.AppHost.Extensions;

/// <summary>Qdrant as a container resource: AppHost's own, since Aspire.Hosting.Qdrant is not available here.</summary>
public static class QdrantExtensions
{
    public const string Image = "qdrant/qdrant";
    public const string Tag = "v1.13.4";
    public const string Registry = "docker.io";

    private const int GrpcPort = 6334;
    private const int HttpPort = 6333;
    private const string DataTarget = "/qdrant/storage";

    /// <summary>Adds Qdrant with its API key from the secret parameter <c>&lt;name&gt;-api-key</c> (generated in run mode).</summary>
    public static IResourceBuilder<QdrantServerResource> AddQdrant(this IDistributedApplicationBuilder builder, string name)
    {
        var apiKey = builder.AddParameter($"{name}-api-key", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true);

        return builder.AddResource(new QdrantServerResource(name, apiKey.Resource))
            .WithImage(Image, Tag)
            .WithImageRegistry(Registry)
            .WithEndpoint(targetPort: GrpcPort, name: QdrantServerResource.PrimaryEndpointName, scheme: "http")
            .WithEndpoint(QdrantServerResource.PrimaryEndpointName, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(targetPort: HttpPort, name: QdrantServerResource.HttpEndpointName)
            .WithEnvironment("QDRANT__SERVICE__API_KEY", apiKey)
            .WithEnvironment("QDRANT__SERVICE__ENABLE_STATIC_CONTENT", "0")
            .WithHttpHealthCheck("/readyz", endpointName: QdrantServerResource.HttpEndpointName);
    }

    public static IResourceBuilder<QdrantServerResource> WithDataVolume(this IResourceBuilder<QdrantServerResource> builder) =>
        builder.WithVolume(VolumeNameGenerator.Generate(builder, "data"), DataTarget);
}

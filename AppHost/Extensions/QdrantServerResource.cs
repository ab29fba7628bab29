namespace AiAspire.AppHost.Extensions;

/// <summary>Qdrant (qdrant/qdrant): gRPC is primary; connection string <c>Endpoint=…;Key=…</c>.</summary>
public sealed class QdrantServerResource(string name, ParameterResource apiKey) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "grpc";
    public const string HttpEndpointName = "http";

    private EndpointReference? _primaryEndpoint;
    private EndpointReference? _httpEndpoint;

    public ParameterResource ApiKeyParameter { get; } = apiKey;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public EndpointReference HttpEndpoint => _httpEndpoint ??= new(this, HttpEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)};Key={ApiKeyParameter}");
}

namespace AiAspire.AppHost.Extensions;

/// <summary>
/// The resources services connect to. <see cref="Events"/> and <see cref="Vectors"/> exist only with containers;
/// <see cref="ExternalEvents"/> replaces the Kafka container (<see cref="Events"/> is then null) when
/// <c>Infrastructure:Kafka:External</c> is true.
/// </summary>
public sealed record Infrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString>? Events,
    IResourceBuilder<IResourceWithConnectionString>? Vectors,
    string DataPath,
    ExternalKafka? ExternalEvents = null);

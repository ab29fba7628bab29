namespace AiAspire.AppHost.Extensions;

/// <summary>The resources services connect to. <see cref="Events"/> and <see cref="Vectors"/> exist only with containers.</summary>
public sealed record Infrastructure(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString>? Events,
    IResourceBuilder<IResourceWithConnectionString>? Vectors,
    string DataPath);

namespace AiAspire.Gateway.Tests;

/// <summary>One gateway and its echo backends for every test class; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayApp>
{
    public const string Name = "gateway";
}

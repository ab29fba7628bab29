namespace AiAspire.RagService.Tests;

/// <summary>Tests that share one running service (loading the model once).</summary>
[CollectionDefinition(Name)]
public sealed class RagServiceCollection : ICollectionFixture<RagServiceFactory>
{
    public const string Name = "RagService app";
}

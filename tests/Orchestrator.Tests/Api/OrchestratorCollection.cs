namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>One orchestrator, fakes and redis-server for every whole-app test class; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class OrchestratorCollection : ICollectionFixture<OrchestratorApp>
{
    public const string Name = "orchestrator";
}

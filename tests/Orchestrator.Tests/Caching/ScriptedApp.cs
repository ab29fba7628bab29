using System.Globalization;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>
/// The real orchestrator in memory with the semantic cache on, in front of a router whose answers each test scripts,
/// embeddings that follow word overlap, and guardrails that enforce JSON schemas; its Redis is a throwaway redis-server.
/// </summary>
public sealed class ScriptedApp : OrchestratorFixture
{
    public const double Threshold = 0.9;

    public SchemaGuardrailService Guardrails { get; } = new();
    public EmbeddingRagService Rag { get; } = new();
    public ScriptedRouterService Router { get; } = new();

    protected override IEnumerable<(string Service, FakeService Fake)> Fakes =>
        [("guardrailservice", Guardrails), ("ragservice", Rag), ("routerservice", Router)];

    /// <summary>A tenant no other test uses, so no earlier test can have filled its caches.</summary>
    public static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];

    protected override void ConfigureOrchestrator(IWebHostBuilder builder)
    {
        builder.UseSetting("Cache:Semantic:Enabled", "true")
            .UseSetting("Cache:Semantic:Threshold", Threshold.ToString(CultureInfo.InvariantCulture));
        RetryFastWithoutBreakers(builder);
    }
}

/// <summary>Tests on <see cref="ScriptedApp"/> run one after another (they script its one router).</summary>
[CollectionDefinition(Name)]
public sealed class ScriptedCollection : ICollectionFixture<ScriptedApp>
{
    public const string Name = "scripted-orchestrator";
}

using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>
/// The real orchestrator in memory, its three downstream services replaced by fakes on 127.0.0.1 found through
/// service discovery's configuration, and its event bus on a throwaway redis-server.
/// </summary>
public sealed class OrchestratorApp : OrchestratorFixture
{
    public FakeGuardrailService Guardrails { get; } = new();
    public FakeRagService Rag { get; } = new();
    public FakeRouterService Router { get; } = new();

    protected override IEnumerable<(string Service, FakeService Fake)> Fakes =>
        [("guardrailservice", Guardrails), ("ragservice", Rag), ("routerservice", Router)];

    protected override void ConfigureOrchestrator(IWebHostBuilder builder) => RetryFastWithoutBreakers(builder);
}

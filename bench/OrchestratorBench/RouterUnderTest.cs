namespace AiAspire.OrchestratorBench;

/// <summary>
/// Which router the orchestrator calls (<c>--router</c>): <c>fake</c> (the fake downstream's <c>/v1/complete</c>, the
/// default), <c>service</c> (the built RouterService, Release, as a child process) or <c>colocated</c> (the router's
/// engine inside the orchestrator, <c>Colocation:Router=true</c>). The real router, either way, has one catalog: route
/// <c>default</c> → deployment <c>bench-model</c>, openai-compatible, on the fake downstream's <c>/v1/chat/completions</c>,
/// and shares the bench's Redis as in the platform.
/// </summary>
internal static class RouterUnderTest
{
    public static Task<ServiceUnderTest> StartAsync(string mode, string downstream, string redis) =>
        ServiceUnderTest.StartAsync(mode, redis, option: "--router", meter: "router", project: "RouterService", noun: "router",
            colocation: "Colocation:Router", settings:
            [
                ("Catalog:Deployments:bench-model:Provider", "openai-compatible"),
                ("Catalog:Deployments:bench-model:Endpoint", downstream + "/v1"),
                ("Catalog:Deployments:bench-model:ApiKey", "sk-bench-upstream"),
                ("Catalog:Deployments:bench-model:ContextWindow", "128000"),
                ("Catalog:Deployments:bench-model:MaxOutputTokens", "4096"),
                ("Catalog:Routes:default:Strategy", "priority"),
                ("Catalog:Routes:default:Candidates:0", "bench-model"),
            ]);
}

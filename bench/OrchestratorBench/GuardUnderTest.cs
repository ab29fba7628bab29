namespace AiAspire.OrchestratorBench;

/// <summary>
/// Which guardrails the orchestrator calls (<c>--guard</c>): <c>fake</c> (the fake downstream's <c>/v1/guard/*</c>, the
/// default), <c>service</c> (the built GuardrailService, Release, as a child process on the bench's Redis) or
/// <c>colocated</c> (the guard engine inside the orchestrator, <c>Colocation:Guardrails=true</c>, on the same Redis).
/// The real guard, either way, runs its default settings: every check, the injection classifier only when uncertain.
/// </summary>
internal static class GuardUnderTest
{
    public static Task<ServiceUnderTest> StartAsync(string mode, string redis) =>
        ServiceUnderTest.StartAsync(mode, redis, option: "--guard", meter: "guard", project: "GuardrailService", noun: "guardrails",
            colocation: "Colocation:Guardrails", settings: []);
}

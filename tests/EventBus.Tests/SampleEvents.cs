using AiAspire.Contracts.Events;

namespace AiAspire.EventBus.Tests;

internal static class SampleEvents
{
    public static InferenceCompleted Inference(string requestId, string tenant = "acme") => new(
        RequestId: requestId,
        Tenant: tenant,
        Route: "/v1/chat/completions",
        Model: "gpt-4o-mini",
        Provider: "openai",
        Deployment: "openai-gpt-4o-mini",
        Status: "ok",
        LatencyMs: 412.5,
        StageLatencyMs: new Dictionary<string, double> { ["guard-input"] = 3.25, ["router"] = 401 },
        TokensIn: 120,
        TokensOut: 48,
        CostUsd: 0.000123m,
        CacheHit: false,
        Stream: true,
        RetrievedChunks: 4,
        GuardFindings: ["EMAIL"],
        GuardBlocked: false,
        Timestamp: new DateTimeOffset(2026, 11, 28, 10, 15, 30, TimeSpan.Zero));
}

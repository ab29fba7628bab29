using AiAspire.Contracts.Events;

namespace AiAspire.FeedbackWorker.Tests;

internal static class Inferences
{
    public static InferenceCompleted Completed(
        string tenant,
        string model = "gpt-4o-mini",
        double latencyMs = 250,
        int tokensIn = 100,
        int tokensOut = 40,
        decimal costUsd = 0.0001m,
        string status = "ok",
        string route = "/v1/chat/completions",
        bool cacheHit = false,
        bool guardBlocked = false,
        DateTimeOffset? at = null) => new(
        RequestId: Guid.NewGuid().ToString("N"),
        Tenant: tenant,
        Route: route,
        // Figures are kept per deployment (what the router ranks and feedback names); the provider's model id differs
        // here so that counting by it instead would fail these tests.
        Model: model.Length == 0 ? "" : model + "-2024-07-18",
        Provider: "openai",
        Deployment: model,
        Status: status,
        LatencyMs: latencyMs,
        StageLatencyMs: new Dictionary<string, double> { ["router"] = latencyMs },
        TokensIn: tokensIn,
        TokensOut: tokensOut,
        CostUsd: costUsd,
        CacheHit: cacheHit,
        Stream: false,
        RetrievedChunks: 0,
        GuardFindings: [],
        GuardBlocked: guardBlocked,
        Timestamp: at ?? DateTimeOffset.UtcNow);

    public static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..10];
}

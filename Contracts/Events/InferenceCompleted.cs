using System.Text.Json.Serialization.Metadata;

namespace AiAspire.Contracts.Events;

/// <summary>Published once per inference request. Carries masked text only, never raw PII.</summary>
/// <param name="Status">"ok", "error" or "blocked".</param>
/// <param name="Cache">"exact", "semantic" or "miss" (also "miss" when the caller bypassed the caches); <see cref="CacheHit"/> is true for the first two.</param>
/// <param name="TemplateVersion">The prompt template used, as "id@version"; null when the prompt was sent as the caller wrote it.</param>
/// <param name="GuardFindings">Types of what the input guard found (e.g. EMAIL), never the values.</param>
/// <param name="PromptTokens">The prompt as sent, counted exactly by the token budget; null when no budget step ran.</param>
/// <param name="ContextWindow">The model's context window the budget fitted the prompt into; null when unknown or no budget step ran.</param>
/// <param name="DroppedHistory">Earlier messages the token budget left out to fit the window (oldest first); null when no budget step ran.</param>
/// <param name="DroppedChunks">Retrieved chunks the token budget left out to fit the window (lowest-scored first); null when no budget step ran.</param>
public sealed record InferenceCompleted(
    string RequestId,
    string Tenant,
    string Route,
    string Model,
    string Provider,
    string Deployment,
    string Status,
    double LatencyMs,
    IReadOnlyDictionary<string, double> StageLatencyMs,
    int TokensIn,
    int TokensOut,
    decimal CostUsd,
    bool CacheHit,
    bool Stream,
    int RetrievedChunks,
    IReadOnlyList<string> GuardFindings,
    bool GuardBlocked,
    DateTimeOffset Timestamp,
    string? Error = null,
    string Cache = "miss",
    string? TemplateVersion = null,
    int? PromptTokens = null,
    int? ContextWindow = null,
    int? DroppedHistory = null,
    int? DroppedChunks = null) : IIntegrationEvent<InferenceCompleted>
{
    public static string Topic => Topics.InferenceEvents;
    public static string EventType => "aiaspire.inference.completed";
    public static JsonTypeInfo<InferenceCompleted> JsonTypeInfo => ContractsJsonContext.Default.InferenceCompleted;
    public string Subject => Tenant;
}

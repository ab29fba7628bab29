using System.Diagnostics;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Pipeline;

namespace AiAspire.Orchestrator.Api;

/// <summary>Builds the one InferenceCompleted event of a request, whatever its outcome.</summary>
public static class InferenceEvents
{
    public static InferenceCompleted From(PipelineContext context, RouteDecision? route, TokenUsage? usage, decimal cost, long started, DateTimeOffset now) => new(
        context.RequestId,
        context.Tenant,
        route?.Route ?? context.Request.Model ?? "default",
        route?.Model ?? "",
        route?.Provider ?? "",
        route?.Deployment ?? "",
        context.Status,
        Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        new Dictionary<string, double>(context.StageLatencyMs),
        usage?.InputTokens ?? 0,
        usage?.OutputTokens ?? 0,
        cost,
        CacheHit: context.CacheHit,
        context.IsStreaming,
        context.RetrievedChunks.Count,
        context.GuardFindings.Count == 0 ? [] : [.. context.GuardFindings.Select(f => f.Type).Distinct()],
        context.Status == "blocked",
        now,
        context.Error,
        CacheOutcomes.Of(context),
        context.Template?.Key,
        context.Budget?.PromptTokens,
        context.Budget?.ContextWindow,
        context.Budget?.DroppedHistory,
        context.Budget?.DroppedChunks);
}

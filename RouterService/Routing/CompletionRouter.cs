using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using AiAspire.RouterService.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Routing;

/// <summary>Runs a plan: calls each deployment in turn until one answers, recording every attempt.</summary>
public sealed partial class CompletionRouter(ChatClientFactory clients, IOptionsMonitor<RouterOptions> options, ILogger<CompletionRouter> logger)
{
    /// <exception cref="RoutingException">Every deployment of the plan failed.</exception>
    public async Task<CompletionResponse> CompleteAsync(RoutePlan plan, CompletionRequest request, CancellationToken cancellationToken)
    {
        var attempts = new List<RouteAttempt>(plan.Skipped);
        var messages = ToChatMessages(request.Messages);

        foreach (var deployment in plan.Deployments)
        {
            var chatOptions = ToChatOptions(request, deployment);
            var started = Stopwatch.GetTimestamp();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.CurrentValue.AttemptTimeout);
            try
            {
                var response = await clients.Get(deployment).GetResponseAsync(messages, chatOptions, timeout.Token);
                attempts.Add(Attempt(deployment, "ok", started));
                var text = response.Text;
                var usage = UsageOf(response.Usage, request.Messages, text);
                Record(plan, deployment, attempts);
                return new CompletionResponse(
                    text,
                    FinishReasonOf(response.FinishReason),
                    Decision(plan, deployment, attempts),
                    usage,
                    deployment.Cost(usage.InputTokens, usage.OutputTokens));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not RoutingException)
            {
                attempts.Add(Attempt(deployment, "error", started, Describe(ex, timeout.IsCancellationRequested)));
                LogAttemptFailed(ex, deployment.Name, plan.Route);
            }
        }

        throw new RoutingException($"Every deployment of '{plan.Route}' failed.", callerError: false, attempts);
    }

    /// <summary>
    /// Streams deltas, then one "done" (or "error") event. A deployment that fails before its first token is
    /// replaced by the next; once tokens have been sent, a failure ends the stream with an "error" event.
    /// </summary>
    public async IAsyncEnumerable<CompletionStreamEvent> StreamAsync(
        RoutePlan plan, CompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var attempts = new List<RouteAttempt>(plan.Skipped);
        var messages = ToChatMessages(request.Messages);

        foreach (var deployment in plan.Deployments)
        {
            var chatOptions = ToChatOptions(request, deployment);
            var started = Stopwatch.GetTimestamp();
            using var firstToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            firstToken.CancelAfter(options.CurrentValue.AttemptTimeout);

            await using var updates = clients.Get(deployment)
                .GetStreamingResponseAsync(messages, chatOptions, firstToken.Token)
                .GetAsyncEnumerator(firstToken.Token);

            var text = new StringBuilder();
            var sentAny = false;
            UsageDetails? usage = null;
            ChatFinishReason? finish = null;
            string? failure = null;

            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync())
                    {
                        break;
                    }
                    update = updates.Current;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = Describe(ex, firstToken.IsCancellationRequested);
                    LogAttemptFailed(ex, deployment.Name, plan.Route);
                    break;
                }

                if (!sentAny)
                {
                    firstToken.CancelAfter(Timeout.InfiniteTimeSpan);
                }
                finish = update.FinishReason ?? finish;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent usageContent)
                    {
                        usage = usageContent.Details;
                    }
                }
                var delta = update.Text;
                if (!string.IsNullOrEmpty(delta))
                {
                    if (!sentAny)
                    {
                        yield return new CompletionStreamEvent(CompletionStreamEvent.Start,
                            Route: Decision(plan, deployment, [.. attempts, Attempt(deployment, "ok", started)]));
                    }
                    sentAny = true;
                    text.Append(delta);
                    yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: delta);
                }
            }

            if (failure is null)
            {
                attempts.Add(Attempt(deployment, "ok", started));
                Record(plan, deployment, attempts);
                var tokens = UsageOf(usage, request.Messages, text.ToString());
                yield return new CompletionStreamEvent(
                    CompletionStreamEvent.Done,
                    FinishReason: FinishReasonOf(finish),
                    Route: Decision(plan, deployment, attempts),
                    Usage: tokens,
                    CostUsd: deployment.Cost(tokens.InputTokens, tokens.OutputTokens));
                yield break;
            }

            attempts.Add(Attempt(deployment, "error", started, failure));
            if (sentAny)
            {
                yield return new CompletionStreamEvent(
                    CompletionStreamEvent.Failed,
                    Route: Decision(plan, deployment, attempts),
                    Error: $"The stream from {deployment.Name} broke after it started: {failure}");
                yield break;
            }
        }

        yield return new CompletionStreamEvent(
            CompletionStreamEvent.Failed,
            Route: new RouteDecision(plan.Route, "", "", "", plan.Strategy, attempts),
            Error: $"Every deployment of '{plan.Route}' failed.");
    }

    internal static List<ChatMessage> ToChatMessages(IReadOnlyList<RouterMessage> messages) =>
        [.. messages.Select(m => new ChatMessage(RoleOf(m.Role), m.Content))];

    internal static ChatRole RoleOf(string role) => role.ToLowerInvariant() switch
    {
        "system" or "developer" => ChatRole.System,
        "assistant" => ChatRole.Assistant,
        "user" => ChatRole.User,
        _ => throw new ArgumentException($"Unsupported role '{role}'.", nameof(role)),
    };

    private static ChatOptions ToChatOptions(CompletionRequest request, Deployment deployment)
    {
        var options = new ChatOptions
        {
            ModelId = deployment.ModelId,
            MaxOutputTokens = Math.Min(request.MaxTokens ?? deployment.Options.MaxOutputTokens, deployment.Options.MaxOutputTokens),
            Temperature = (float?)request.Temperature,
            TopP = (float?)request.TopP,
            Seed = request.Seed,
        };
        if (request.Stop is { Count: > 0 } stop)
        {
            options.StopSequences = [.. stop];
        }
        if (request.ResponseFormat is { ValueKind: JsonValueKind.Object } format
            && format.TryGetProperty("type", out var type))
        {
            if (type.ValueEquals("json_object"))
            {
                options.ResponseFormat = ChatResponseFormat.Json;
            }
            else if (type.ValueEquals("json_schema")
                && format.TryGetProperty("json_schema", out var schema)
                && schema.TryGetProperty("schema", out var schemaBody))
            {
                var name = schema.TryGetProperty("name", out var n) ? n.GetString() : null;
                options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schemaBody, name);
            }
        }
        return options;
    }

    private static TokenUsage UsageOf(UsageDetails? usage, IReadOnlyList<RouterMessage> messages, string answer) => new(
        (int)(usage?.InputTokenCount ?? messages.Sum(m => TokenEstimator.Estimate(m.Content))),
        (int)(usage?.OutputTokenCount ?? TokenEstimator.Estimate(answer)));

    private static string FinishReasonOf(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : "stop";

    private static RouteDecision Decision(RoutePlan plan, Deployment deployment, List<RouteAttempt> attempts) =>
        new(plan.Route, deployment.Name, deployment.ModelId, deployment.Options.Provider, plan.Strategy, [.. attempts]);

    private static RouteAttempt Attempt(Deployment deployment, string outcome, long started, string? error = null) =>
        new(deployment.Name, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, error);

    private static string Describe(Exception ex, bool timedOut) =>
        timedOut ? "timed out" : $"{ex.GetType().Name}: {ex.Message}";

    private static void Record(RoutePlan plan, Deployment served, List<RouteAttempt> attempts)
    {
        foreach (var attempt in attempts)
        {
            RouterTelemetry.Attempts.Add(1,
                new KeyValuePair<string, object?>("deployment", attempt.Deployment),
                new KeyValuePair<string, object?>("outcome", attempt.Outcome));
        }
        if (plan.Deployments.Count > 0 && plan.Deployments[0].Name != served.Name)
        {
            RouterTelemetry.Fallbacks.Add(1, new KeyValuePair<string, object?>("route", plan.Route));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment} failed for route {Route}; falling back")]
    private partial void LogAttemptFailed(Exception ex, string deployment, string route);
}

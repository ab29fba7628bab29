using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using AiAspire.RouterService.Providers;
using AiAspire.RouterService.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Routing;

/// <summary>
/// Runs a plan: calls each deployment in turn until one answers, recording every attempt. A transient failure (429, 5xx,
/// timeout, network) is retried on the same deployment after a jittered backoff or the provider's Retry-After, within
/// the request's deadline; a deployment whose circuit is open, or that reached its rpm/tpm limit for the minute
/// (<see cref="DeploymentRateLimiter"/>), is skipped; a context-window overflow skips every later
/// candidate whose window is no larger.
/// </summary>
public sealed partial class CompletionRouter(
    ChatClientFactory clients,
    DeploymentObservations observations,
    CircuitBreakers breakers,
    DeploymentRateLimiter limits,
    IOptionsMonitor<RouterOptions> options,
    TimeProvider time,
    ILogger<CompletionRouter> logger)
{
    /// <exception cref="RoutingException">Every deployment of the plan failed or was skipped.</exception>
    public async Task<CompletionResponse> CompleteAsync(RoutePlan plan, CompletionRequest request, CancellationToken cancellationToken)
    {
        var run = new Run(plan, options.CurrentValue, Stopwatch.GetTimestamp());
        var messages = ToChatMessages(request.Messages);

        foreach (var deployment in plan.Deployments)
        {
            for (var retry = 0; await run.MayCallAsync(deployment, breakers, limits, cancellationToken); retry++)
            {
                var chatOptions = ToChatOptions(request, deployment);
                var started = Stopwatch.GetTimestamp();
                var budget = run.AttemptBudget;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(budget);
                using var inFlight = observations.Begin(deployment.Name);
                var verdict = false;
                TimeSpan? backoff = null;
                try
                {
                    var response = await clients.Get(deployment).GetResponseAsync(messages, chatOptions, timeout.Token);
                    run.Attempts.Add(Attempt(deployment, "ok", started));
                    breakers.Succeeded(deployment.Name);
                    verdict = true;
                    observations.Record(deployment.Name, null, run.Attempts[^1].LatencyMs);
                    var text = response.Text;
                    var usage = UsageOf(response.Usage, request.Messages, text);
                    Record(plan, deployment, run.Attempts);
                    limits.Consumed(deployment, usage.InputTokens + usage.OutputTokens, plan.Profile.EstimatedPromptTokens);
                    var toolCalls = ToolCallsOf(response.Messages.SelectMany(m => m.Contents));
                    return new CompletionResponse(
                        text,
                        FinishReasonOf(response.FinishReason, toolCalls),
                        Decision(plan, deployment, run.Attempts),
                        usage,
                        deployment.Cost(usage.InputTokens, usage.OutputTokens),
                        toolCalls);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not RoutingException)
                {
                    var failure = Judge(run, deployment, ex, timeout.IsCancellationRequested, budget, started);
                    verdict = true;
                    backoff = run.Backoff(failure, retry);
                }
                finally
                {
                    if (!verdict)
                    {
                        breakers.Released(deployment.Name);
                    }
                }
                if (backoff is not { } delay)
                {
                    break;
                }
                await Task.Delay(delay, time, cancellationToken);
            }
        }

        throw new RoutingException($"Every deployment of '{plan.Route}' failed.", RoutingFailure.Upstream, run.Attempts);
    }

    /// <summary>
    /// Streams deltas, then one "done" (or "error") event. A deployment that fails before its first token is retried or
    /// replaced like a non-streamed call; once tokens have been sent, a failure ends the stream with an "error" event.
    /// </summary>
    public async IAsyncEnumerable<CompletionStreamEvent> StreamAsync(
        RoutePlan plan, CompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = new Run(plan, options.CurrentValue, Stopwatch.GetTimestamp());
        var messages = ToChatMessages(request.Messages);

        foreach (var deployment in plan.Deployments)
        {
            for (var retry = 0; await run.MayCallAsync(deployment, breakers, limits, cancellationToken); retry++)
            {
                var chatOptions = ToChatOptions(request, deployment);
                var started = Stopwatch.GetTimestamp();
                var budget = run.AttemptBudget;
                using var firstToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                firstToken.CancelAfter(budget);
                using var inFlight = observations.Begin(deployment.Name);
                var verdict = false;

                await using var updates = clients.Get(deployment)
                    .GetStreamingResponseAsync(messages, chatOptions, firstToken.Token)
                    .GetAsyncEnumerator(firstToken.Token);

                var text = new StringBuilder();
                var sentAny = false;
                var calledTools = false;
                double? firstTokenMs = null;
                UsageDetails? usage = null;
                ChatFinishReason? finish = null;
                CallFailure? failure = null;

                try
                {
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
                            failure = Judge(run, deployment, ex, !sentAny && firstToken.IsCancellationRequested, budget, started);
                            verdict = true;
                            break;
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
                        var toolCalls = ToolCallsOf(update.Contents);
                        if (!string.IsNullOrEmpty(delta) || toolCalls is not null)
                        {
                            if (!sentAny)
                            {
                                firstToken.CancelAfter(Timeout.InfiniteTimeSpan);
                                firstTokenMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                                yield return new CompletionStreamEvent(CompletionStreamEvent.Start,
                                    Route: Decision(plan, deployment, [.. run.Attempts, Attempt(deployment, "ok", started)]));
                            }
                            sentAny = true;
                            calledTools |= toolCalls is not null;
                            text.Append(delta);
                            yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: string.IsNullOrEmpty(delta) ? null : delta, ToolCalls: toolCalls);
                        }
                    }

                    if (failure is null && finish is null)
                    {
                        // Every adapter ends a whole answer with a finish reason; a stream without one was cut short
                        // (Anthropic's error event, for one, ends the SDK's enumeration quietly).
                        failure = Judge(run, deployment, new IOException("The stream ended without a finish reason: it was cut short."),
                            timedOut: false, budget, started);
                        verdict = true;
                    }

                    if (failure is null)
                    {
                        run.Attempts.Add(Attempt(deployment, "ok", started));
                        breakers.Succeeded(deployment.Name);
                        verdict = true;
                        observations.Record(deployment.Name, firstTokenMs, run.Attempts[^1].LatencyMs);
                        Record(plan, deployment, run.Attempts);
                        var tokens = UsageOf(usage, request.Messages, text.ToString());
                        limits.Consumed(deployment, tokens.InputTokens + tokens.OutputTokens, plan.Profile.EstimatedPromptTokens);
                        yield return new CompletionStreamEvent(
                            CompletionStreamEvent.Done,
                            FinishReason: FinishReasonOf(finish, calledTools ? [] : null),
                            Route: Decision(plan, deployment, run.Attempts),
                            Usage: tokens,
                            CostUsd: deployment.Cost(tokens.InputTokens, tokens.OutputTokens));
                        yield break;
                    }

                    if (sentAny)
                    {
                        yield return new CompletionStreamEvent(
                            CompletionStreamEvent.Failed,
                            Route: Decision(plan, deployment, run.Attempts),
                            Error: $"The stream from {deployment.Name} broke after it started: {failure.Description}");
                        yield break;
                    }
                }
                finally
                {
                    if (!verdict)
                    {
                        breakers.Released(deployment.Name);
                    }
                }

                if (run.Backoff(failure, retry) is not { } delay)
                {
                    break;
                }
                await Task.Delay(delay, time, cancellationToken);
            }
        }

        yield return new CompletionStreamEvent(
            CompletionStreamEvent.Failed,
            Route: new RouteDecision(plan.Route, "", "", "", plan.Strategy, run.Attempts),
            Error: $"Every deployment of '{plan.Route}' failed.");
    }

    /// <summary>Records a failed call (attempt, breaker, observations, log) and returns what it allows next.</summary>
    private CallFailure Judge(Run run, Deployment deployment, Exception ex, bool timedOut, TimeSpan budget, long started)
    {
        var failure = CallFailure.Of(ex, timedOut, time);
        if (timedOut && budget < run.Settings.AttemptTimeout)
        {
            failure = failure with { Description = "deadline exceeded" };
        }
        run.Attempts.Add(Attempt(deployment, "error", started, failure.Description));
        if (failure.Transient)
        {
            breakers.Failed(deployment.Name);
        }
        else
        {
            breakers.Succeeded(deployment.Name);
        }
        if (failure.ContextOverflow)
        {
            run.Overflowed = Math.Max(run.Overflowed ?? 0, deployment.Options.ContextWindow);
        }
        if (timedOut)
        {
            // No answer (or first token) within the budget: at least this slow.
            observations.Record(deployment.Name, run.Attempts[^1].LatencyMs, run.Attempts[^1].LatencyMs);
        }
        LogAttemptFailed(ex, deployment.Name, plan: run.Plan.Route);
        return failure;
    }

    /// <summary>One request's progress through its plan: attempts so far, the deadline, and what an overflow ruled out.</summary>
    private sealed class Run(RoutePlan plan, RouterOptions settings, long started)
    {
        public RoutePlan Plan { get; } = plan;

        public RouterOptions Settings { get; } = settings;

        public List<RouteAttempt> Attempts { get; } = [.. plan.Skipped];

        /// <summary>The largest context window a provider has refused this prompt for.</summary>
        public int? Overflowed { get; set; }

        /// <summary>
        /// Less time than this left is no time at all: no provider answers that fast, and timers may fire a little
        /// before the stopwatch reaches the deadline, which would otherwise start a call doomed to time out.
        /// </summary>
        private static readonly TimeSpan MinimumAttemptBudget = TimeSpan.FromMilliseconds(50);

        private TimeSpan Remaining => Settings.Deadline - Stopwatch.GetElapsedTime(started);

        /// <summary>The time one call may take: the attempt timeout, or what is left of the deadline if that is less.</summary>
        public TimeSpan AttemptBudget => Remaining < Settings.AttemptTimeout ? Remaining : Settings.AttemptTimeout;

        /// <summary>
        /// Whether to call <paramref name="deployment"/> (again), counting the call against its rpm/tpm limits; when
        /// not, records why it is skipped.
        /// </summary>
        public async ValueTask<bool> MayCallAsync(Deployment deployment, CircuitBreakers breakers, DeploymentRateLimiter limits,
            CancellationToken cancellationToken)
        {
            string? skip = null;
            if (Remaining <= MinimumAttemptBudget)
            {
                skip = "deadline exceeded";
            }
            else if (Overflowed is { } window && deployment.Options.ContextWindow <= window)
            {
                skip = $"context window {deployment.Options.ContextWindow} is no larger than the {window} the prompt overflowed";
            }
            else if (!breakers.TryEnter(deployment.Name, out var refusal))
            {
                skip = refusal;
            }
            else if (await limits.TryAcquireAsync(deployment, Plan.Profile.EstimatedPromptTokens, cancellationToken) is { } limited)
            {
                breakers.Released(deployment.Name);
                skip = limited;
            }
            if (skip is null)
            {
                return true;
            }
            if (Attempts.Count == 0 || Attempts[^1].Deployment != deployment.Name || Attempts[^1].Outcome != "error")
            {
                Attempts.Add(new RouteAttempt(deployment.Name, "skipped", 0, skip));
            }
            return false;
        }

        /// <summary>The wait before retrying the same deployment, or null to move on.</summary>
        public TimeSpan? Backoff(CallFailure? failure, int retry)
        {
            if (failure is not { Transient: true } || retry >= Settings.MaxRetries)
            {
                return null;
            }
            TimeSpan delay;
            if (failure.RetryAfter is { } asked)
            {
                if (asked > Settings.MaxRetryAfter)
                {
                    return null;
                }
                delay = asked;
            }
            else
            {
                var exponential = Settings.RetryBaseDelay * Math.Pow(2, retry);
                var capped = exponential < Settings.RetryMaxDelay ? exponential : Settings.RetryMaxDelay;
                delay = capped * (0.5 + 0.5 * Random.Shared.NextDouble());
            }
            // Waiting past the deadline would only end in "deadline exceeded": fall back now instead.
            return delay < Remaining ? delay : null;
        }
    }

    internal static List<ChatMessage> ToChatMessages(IReadOnlyList<RouterMessage> messages) =>
        [.. messages.Select(ToChatMessage)];

    /// <summary>
    /// A tool message becomes the function result it carries; an assistant message that called tools carries the
    /// calls (and its text, if any), so that providers see the exchange as they produced it.
    /// </summary>
    private static ChatMessage ToChatMessage(RouterMessage message)
    {
        var role = RoleOf(message.Role);
        if (role == ChatRole.Tool)
        {
            return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(message.ToolCallId ?? "", message.Content)]);
        }
        if (message.ToolCalls is { Count: > 0 } calls)
        {
            List<AIContent> contents = message.Content.Length > 0 ? [new TextContent(message.Content)] : [];
            contents.AddRange(calls.Select(c => new FunctionCallContent(c.Id, c.Name, ArgumentsOf(c.Arguments))));
            return new ChatMessage(role, contents);
        }
        return new ChatMessage(role, message.Content);
    }

    internal static ChatRole RoleOf(string role) => role.ToLowerInvariant() switch
    {
        "system" or "developer" => ChatRole.System,
        "assistant" => ChatRole.Assistant,
        "user" => ChatRole.User,
        "tool" => ChatRole.Tool,
        _ => throw new ArgumentException($"Unsupported role '{role}'.", nameof(role)),
    };

    /// <summary>The arguments the model wrote, as the dictionary Microsoft.Extensions.AI carries (values stay JSON).</summary>
    private static Dictionary<string, object?>? ArgumentsOf(string arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // A model may have written arguments that are not JSON; the provider is told there were none.
            return null;
        }
    }

    /// <summary>The whole tool calls in <paramref name="contents"/>, or null when there are none.</summary>
    private static List<ToolCall>? ToolCallsOf(IEnumerable<AIContent> contents)
    {
        List<ToolCall>? calls = null;
        foreach (var call in contents.OfType<FunctionCallContent>())
        {
            var arguments = call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions);
            (calls ??= []).Add(new ToolCall(call.CallId, call.Name, arguments));
        }
        return calls;
    }

    private static void AddTools(ChatOptions options, CompletionRequest request)
    {
        if (request.Tools is not { Count: > 0 } tools)
        {
            return;
        }
        options.Tools = [.. tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(
            t.Name, t.Description, t.Parameters ?? EmptyParameters))];
        options.ToolMode = request.ToolChoice?.Mode switch
        {
            ToolChoice.None => ChatToolMode.None,
            ToolChoice.Required => ChatToolMode.RequireAny,
            ToolChoice.Function => ChatToolMode.RequireSpecific(request.ToolChoice.FunctionName!),
            ToolChoice.Auto => ChatToolMode.Auto,
            _ => null,
        };
    }

    private static readonly JsonElement EmptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private static ChatOptions ToChatOptions(CompletionRequest request, Deployment deployment)
    {
        var options = new ChatOptions
        {
            ModelId = deployment.ModelId,
            MaxOutputTokens = deployment.OutputBudget(request.MaxTokens),
            Temperature = (float?)request.Temperature,
            TopP = (float?)request.TopP,
            Seed = request.Seed,
        };
        if (request.Stop is { Count: > 0 } stop)
        {
            options.StopSequences = [.. stop];
        }
        AddTools(options, request);
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

    /// <summary>A response that carries tool calls ends with "tool_calls", whatever the provider reported.</summary>
    private static string FinishReasonOf(ChatFinishReason? reason, IReadOnlyList<ToolCall>? toolCalls = null) =>
        toolCalls is not null ? "tool_calls"
        : reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : "stop";

    private static RouteDecision Decision(RoutePlan plan, Deployment deployment, List<RouteAttempt> attempts) =>
        new(plan.Route, deployment.Name, deployment.ModelId, deployment.Options.Provider, plan.Strategy, [.. attempts]);

    private static RouteAttempt Attempt(Deployment deployment, string outcome, long started, string? error = null) =>
        new(deployment.Name, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, error);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {Deployment} failed for route {Plan}")]
    private partial void LogAttemptFailed(Exception ex, string deployment, string plan);
}

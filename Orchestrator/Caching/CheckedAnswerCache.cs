using System.Buffers;
using System.Text.Json;
using AiAspire.Contracts.OpenAI;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Templates;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// The exact cache in front of the guards: a repeated stateless request is answered before any step runs, with no guard
/// call, from the answer both guards allowed when the same request was first answered. The key holds the tenant and a
/// SHA-256 of the request as the caller sent it (minus <c>stream</c> and <c>user</c>) and of everything else that
/// decides the guards' verdicts or the answer: the guard policy version the guardrails report
/// (<see cref="GuardPolicyVersions"/>), the pipeline's steps and limits, the template's id@version and the tenant's
/// template variables, the routing strategy asked for.
/// </summary>
/// <remarks>
/// Only what is safe to replay is stored: a whole, non-streamed answer that both guards allowed under one policy
/// version, to a request in which nothing was masked (no vault: the answer holds no restored personal data and equals
/// what the model wrote), by a pipeline with both guard steps and without retrieval (retrieved passages change with the
/// tenant's documents; such requests keep the exact cache behind the guards). A streamed request is served from it as
/// a stream. <c>Cache-Control: no-cache</c> skips the lookup; a Redis failure is a miss.
/// </remarks>
public sealed partial class CheckedAnswerCache(
    IConnectionMultiplexer redis,
    GuardPolicyVersions versions,
    TemplateCatalog templates,
    IOptionsMonitor<ExactCacheOptions> options,
    ILogger<CheckedAnswerCache> logger)
{
    public const string KeyPrefix = "aiaspire:orchestrator:checked:";

    /// <summary>The stage name a hit reports in the event's per-stage latency.</summary>
    public const string Stage = "cache";

    /// <returns>True when the request was answered from the cache (the pipeline's steps must not run).</returns>
    public async Task<bool> TryServeAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        if (context.BypassCache || versions.Fresh() is not { } version || KeyOf(context, version) is not (var key, var template))
        {
            return false;
        }
        using var activity = OrchestratorTelemetry.ActivitySource.StartActivity($"pipeline {Stage}");
        CheckedAnswer? answer;
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(key).WaitAsync(options.CurrentValue.RedisTimeout, cancellationToken);
            answer = value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((byte[])value!, CachingJsonContext.Default.CheckedAnswer);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            LogFailed(ex, "lookup");
            return false;
        }
        activity?.SetTag("aiaspire.cache", answer is null ? CacheOutcomes.Miss : CacheOutcomes.Exact);
        if (answer is null || answer.TemplateKey != template?.Key)
        {
            return false;
        }

        // Nothing was spent on this answer.
        var completion = answer.Completion with { CostUsd = 0m };
        context.Template = template;
        context.Messages = [.. answer.Messages];
        context.GuardFindings.AddRange(answer.Findings);
        context.MaskedAnswer.Append(answer.MaskedAnswer);
        CacheOutcomes.Hit(context, CacheOutcomes.Exact);
        if (context.IsStreaming)
        {
            context.Events = CachingInferStep.Replay(completion);
        }
        else
        {
            context.Completion = completion;
        }
        return true;
    }

    /// <summary>
    /// Keeps the answer the pipeline just completed, when it qualifies (see the remarks), without waiting for Redis to
    /// answer (fire and forget, as <see cref="ExactCache.Set"/>): a store is best effort.
    /// </summary>
    public void Store(PipelineContext context)
    {
        if (context is not { Problem: null, Status: "ok", VaultId: null, IsStreaming: false, Completion: { } completion }
            || context.InputPolicyVersion is not { } version
            || context.OutputPolicyVersion != version
            || CacheOutcomes.Of(context) == CacheOutcomes.Semantic
            || KeyOf(context, version) is not (var key, var template)
            || template?.Key != context.Template?.Key)
        {
            return;
        }
        var answer = new CheckedAnswer(completion, context.MaskedAnswer.ToString(), context.Messages, context.GuardFindings, template?.Key);
        try
        {
            _ = redis.GetDatabase().StringSetAsync(key, JsonSerializer.SerializeToUtf8Bytes(answer, CachingJsonContext.Default.CheckedAnswer),
                options.CurrentValue.Ttl, flags: CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogFailed(ex, "store");
        }
    }

    /// <returns>The Redis key and the template the request resolves to, or null when the request does not qualify.</returns>
    /// <remarks>
    /// Worked out once per request: the store after the answer reuses the lookup's key when the policy version and the
    /// template catalog are still the ones it was made with.
    /// </remarks>
    internal (string Key, PromptTemplate? Template)? KeyOf(PipelineContext context, string policyVersion)
    {
        var settings = options.CurrentValue;
        var steps = context.Settings.Steps;
        if (!settings.Enabled || !settings.CheckedAnswers
            || (!settings.AllowNonZeroTemperature && context.Request.Temperature is not 0.0)
            || context.ConversationId is not null || context.Collection is not null
            || !steps.Contains(PipelineSteps.GuardInput, StringComparer.OrdinalIgnoreCase)
            || !steps.Contains(PipelineSteps.GuardOutput, StringComparer.OrdinalIgnoreCase)
            || steps.Contains(PipelineSteps.Retrieve, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }
        var catalog = templates.Current;
        if (context.CheckedAnswerKey is { } known && known.PolicyVersion == policyVersion && ReferenceEquals(known.Catalog, catalog))
        {
            return (known.Key, known.Template);
        }
        PromptTemplate? template = null;
        if (context.Settings.Template is { } name && (template = catalog.Find(context.Tenant, name)) is null)
        {
            return null;
        }
        var key = CacheKeys.Of(KeyPrefix, context.Tenant, (context, policyVersion, template, variables: catalog.VariablesFor(context.Tenant)),
            static (json, state) => WriteCanonical(json, state.context, state.policyVersion, state.template, state.variables));
        context.CheckedAnswerKey = new CheckedAnswerKey(policyVersion, catalog, key, template);
        return (key, template);
    }

    /// <summary>The canonical JSON the key hashes (see the class remarks for what it holds).</summary>
    internal static byte[] Canonical(
        PipelineContext context, string policyVersion, PromptTemplate? template, IReadOnlyDictionary<string, string> variables)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(json, context, policyVersion, template, variables);
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteCanonical(
        Utf8JsonWriter json, PipelineContext context, string policyVersion, PromptTemplate? template, IReadOnlyDictionary<string, string> variables)
    {
        json.WriteStartObject();
        json.WriteString("policy", policyVersion);
        json.WriteStartArray("steps");
        foreach (var step in context.Settings.Steps)
        {
            json.WriteStringValue(step.ToLowerInvariant());
        }
        json.WriteEndArray();
        json.WriteNumber("maxMessages", context.Settings.MaxMessages);
        json.WriteNumber("maxCharacters", context.Settings.MaxCharacters);
        json.WriteString("template", template?.Key);
        json.WriteStartObject("variables");
        if (variables.Count > 0)
        {
            foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }
        }
        json.WriteEndObject();
        json.WriteString("strategy", context.Strategy);
        json.WritePropertyName("request");
        JsonSerializer.Serialize(json, context.Request with { Stream = null, StreamOptions = null, User = null },
            OpenAIJsonContext.Default.ChatCompletionRequest);
        json.WriteEndObject();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checked-answer cache {Operation} failed; treating it as a miss")]
    private partial void LogFailed(Exception ex, string operation);
}

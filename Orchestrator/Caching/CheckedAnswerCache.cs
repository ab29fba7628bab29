using System.Buffers;
using System.Security.Cryptography;
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

    /// <summary>Keeps the answer the pipeline just completed, when it qualifies (see the remarks).</summary>
    public async Task StoreAsync(PipelineContext context, CancellationToken cancellationToken)
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
        var settings = options.CurrentValue;
        try
        {
            await redis.GetDatabase()
                .StringSetAsync(key, JsonSerializer.SerializeToUtf8Bytes(answer, CachingJsonContext.Default.CheckedAnswer), settings.Ttl)
                .WaitAsync(settings.RedisTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogFailed(ex, "store");
        }
    }

    /// <returns>The Redis key and the template the request resolves to, or null when the request does not qualify.</returns>
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
        PromptTemplate? template = null;
        if (context.Settings.Template is { } name && (template = templates.Find(context.Tenant, name)) is null)
        {
            return null;
        }
        var hash = SHA256.HashData(Canonical(context, policyVersion, template, templates.VariablesFor(context.Tenant)));
        return ($"{KeyPrefix}{{{Uri.EscapeDataString(context.Tenant)}}}:{Convert.ToHexStringLower(hash)}", template);
    }

    internal static ReadOnlySpan<byte> Canonical(
        PipelineContext context, string policyVersion, PromptTemplate? template, IReadOnlyDictionary<string, string> variables)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
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
            foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }
            json.WriteEndObject();
            json.WriteString("strategy", context.Strategy);
            json.WritePropertyName("request");
            JsonSerializer.Serialize(json, context.Request with { Stream = null, StreamOptions = null, User = null },
                OpenAIJsonContext.Default.ChatCompletionRequest);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checked-answer cache {Operation} failed; treating it as a miss")]
    private partial void LogFailed(Exception ex, string operation);
}

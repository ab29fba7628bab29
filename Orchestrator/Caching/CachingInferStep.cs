using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Pipeline.Steps;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// The "infer" step behind the exact and the semantic cache. A hit is the masked answer of an earlier request, so the
/// output guard still restores it with this request's vault; a streamed request is answered from the cache as a
/// stream, and a streamed answer is stored once it has completed. <c>Cache-Control: no-cache</c> skips both lookups
/// (the fresh answer is still stored). Any cache failure — Redis, the embeddings call — is a miss, never an error.
/// </summary>
public sealed partial class CachingInferStep(
    InferStep inner,
    ExactCache cache,
    SemanticCache semantic,
    RagClient embeddings,
    IOptionsMonitor<ExactCacheOptions> options,
    IOptionsMonitor<SemanticCacheOptions> semanticOptions,
    ILogger<CachingInferStep> logger) : IPipelineStep
{
    /// <summary>A cached answer is replayed in pieces of about this many characters, as a model would stream it.</summary>
    internal const int ReplayPieceLength = 24;

    public string Name => inner.Name;

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || (!settings.AllowNonZeroTemperature && context.Request.Temperature is not 0.0))
        {
            await inner.ExecuteAsync(context, cancellationToken);
            return;
        }

        var request = InferStep.CompletionOf(context);
        var key = ExactCache.Key(context.Tenant, request, PipelineOf(context));
        if (!context.BypassCache && await TryGetAsync(key, settings, cancellationToken) is { } cached)
        {
            Serve(context, cached, CacheOutcomes.Exact);
            return;
        }

        var probe = await ProbeAsync(context, request, cancellationToken);
        if (!context.BypassCache && probe is not null && await TryFindAsync(probe, cancellationToken) is { } similar)
        {
            Serve(context, similar, CacheOutcomes.Semantic);
            return;
        }

        await inner.ExecuteAsync(context, cancellationToken);
        if (context.Problem is not null)
        {
            return;
        }
        if (context.Events is { } events)
        {
            context.Events = StoreWhenDone(events, key, probe, settings, cancellationToken);
        }
        else if (context.Completion is { } completion)
        {
            await StoreAsync(key, probe, completion, settings, cancellationToken);
        }
    }

    /// <summary>Answers from the cache: the masked completion as is, or as a stream when one was asked for.</summary>
    private static void Serve(PipelineContext context, CompletionResponse cached, string kind)
    {
        // Nothing was spent on this answer.
        var completion = cached with { CostUsd = 0m };
        context.MaskedAnswer.Append(completion.Text);
        CacheOutcomes.Hit(context, kind);
        if (context.IsStreaming)
        {
            context.Events = Replay(completion);
        }
        else
        {
            context.Completion = completion;
        }
    }

    /// <summary>A cached completion as the router would have streamed it: start, text deltas, tool calls, done.</summary>
    internal static async IAsyncEnumerable<CompletionStreamEvent> Replay(CompletionResponse completion)
    {
        yield return new CompletionStreamEvent(CompletionStreamEvent.Start, Route: completion.Route);
        var text = completion.Text;
        for (var at = 0; at < text.Length;)
        {
            var length = Math.Min(ReplayPieceLength, text.Length - at);
            // Never split a surrogate pair.
            if (at + length < text.Length && char.IsHighSurrogate(text[at + length - 1]))
            {
                length++;
            }
            yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, Text: text.Substring(at, length));
            at += length;
        }
        if (completion.ToolCalls is { Count: > 0 } calls)
        {
            yield return new CompletionStreamEvent(CompletionStreamEvent.Delta, ToolCalls: calls);
        }
        await Task.CompletedTask;
        yield return new CompletionStreamEvent(CompletionStreamEvent.Done, FinishReason: completion.FinishReason,
            Route: completion.Route, Usage: completion.Usage, CostUsd: 0m);
    }

    /// <summary>Passes the stream through and, once it has completed, stores it as one completion.</summary>
    private async IAsyncEnumerable<CompletionStreamEvent> StoreWhenDone(
        IAsyncEnumerable<CompletionStreamEvent> events, string key, SemanticProbe? probe, ExactCacheOptions settings,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        List<ToolCall>? calls = null;
        await foreach (var @event in events.WithCancellation(cancellationToken))
        {
            if (@event.Type == CompletionStreamEvent.Delta)
            {
                text.Append(@event.Text);
                if (@event.ToolCalls is { Count: > 0 } more)
                {
                    (calls ??= []).AddRange(more);
                }
            }
            else if (@event is { Type: CompletionStreamEvent.Done, Route: { } route, Usage: { } usage })
            {
                // Stored before "done" is passed on: the consumer stops reading after it.
                await StoreAsync(key, probe, new CompletionResponse(text.ToString(), @event.FinishReason ?? "stop", route, usage, @event.CostUsd ?? 0m, calls),
                    settings, cancellationToken);
            }
            yield return @event;
        }
    }

    /// <summary>What the semantic cache needs for this request, or null when it does not apply or cannot be had.</summary>
    private async Task<SemanticProbe?> ProbeAsync(PipelineContext context, CompletionRequest request, CancellationToken cancellationToken)
    {
        var settings = semanticOptions.CurrentValue;
        if (!settings.Enabled || request.Tools is { Count: > 0 })
        {
            return null;
        }
        // Only a single question is answered by meaning: with history, the same words can ask something else.
        var instructions = new List<RouterMessage>();
        RouterMessage? question = null;
        foreach (var message in request.Messages)
        {
            switch (message.Role)
            {
                case "system" or "developer":
                    // Retrieved passages differ between similar questions; the collection stands for them in the bucket.
                    if (!message.Content.StartsWith(ContextPassages.Instruction, StringComparison.Ordinal))
                    {
                        instructions.Add(message);
                    }
                    break;
                case "user" when question is null:
                    question = message;
                    break;
                default:
                    return null;
            }
        }
        if (question is null || question.Content.Length > settings.MaxQuestionLength)
        {
            return null;
        }
        var normalized = SemanticCache.Normalize(question.Content);
        if (normalized.Length == 0)
        {
            return null;
        }

        float[] vector;
        string model;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.EmbeddingTimeout);
            (vector, model) = await embeddings.EmbedAsync(context.Tenant, normalized, timeout.Token);
        }
        catch (Exception ex) when (ex is DownstreamException or JsonException or HttpRequestException or IOException or OperationCanceledException
            && !cancellationToken.IsCancellationRequested)
        {
            LogSemanticFailed(ex, "embedding");
            return null;
        }

        var bucket = ExactCache.Canonical(request with { Messages = instructions, User = null }, PipelineOf(context));
        var scope = Encoding.UTF8.GetBytes($"\n{context.Collection}\n{context.Retrieval}\n{model}\n{vector.Length}");
        return new SemanticProbe(SemanticCache.BucketKey(context.Tenant, [.. bucket, .. scope]), vector, normalized);
    }

    /// <summary>What prepared the prompt: the template version and the steps that ran (guarding and masking among them).</summary>
    private static string PipelineOf(PipelineContext context) =>
        $"{context.Template?.Key}|{string.Join(",", context.Settings.Steps)}";

    private async Task<CompletionResponse?> TryFindAsync(SemanticProbe probe, CancellationToken cancellationToken)
    {
        try
        {
            return (await semantic.FindAsync(probe.BucketKey, probe.Vector, probe.Question, semanticOptions.CurrentValue, cancellationToken))?.Completion;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            LogSemanticFailed(ex, "lookup");
            return null;
        }
    }

    private async Task StoreAsync(string key, SemanticProbe? probe, CompletionResponse completion, ExactCacheOptions settings, CancellationToken cancellationToken)
    {
        TrySet(key, completion, settings);
        if (probe is null)
        {
            return;
        }
        try
        {
            await semantic.StoreAsync(probe.BucketKey, probe.Vector, probe.Question, completion, semanticOptions.CurrentValue, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogSemanticFailed(ex, "store");
        }
    }

    private async Task<CompletionResponse?> TryGetAsync(string key, ExactCacheOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.GetAsync(key, settings.RedisTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            LogCacheFailed(ex, "lookup");
            return null;
        }
    }

    private void TrySet(string key, CompletionResponse completion, ExactCacheOptions settings)
    {
        try
        {
            cache.Set(key, completion, settings.Ttl);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogCacheFailed(ex, "store");
        }
    }

    private sealed record SemanticProbe(string BucketKey, float[] Vector, string Question);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exact cache {Operation} failed; treating it as a miss")]
    private partial void LogCacheFailed(Exception ex, string operation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Semantic cache {Operation} failed; treating it as a miss")]
    private partial void LogSemanticFailed(Exception ex, string operation);
}

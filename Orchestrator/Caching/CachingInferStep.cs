using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Pipeline;
using AiAspire.Orchestrator.Pipeline.Steps;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// The "infer" step behind the exact cache. A hit is the masked answer of an identical earlier request, so the output
/// guard still restores it with this request's vault. Streams bypass the cache; a Redis failure is a miss.
/// </summary>
public sealed partial class CachingInferStep(
    InferStep inner, ExactCache cache, IOptionsMonitor<ExactCacheOptions> options, ILogger<CachingInferStep> logger) : IPipelineStep
{
    public string Name => inner.Name;

    public async ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || context.IsStreaming || (!settings.AllowNonZeroTemperature && context.Request.Temperature is not 0.0))
        {
            await inner.ExecuteAsync(context, cancellationToken);
            return;
        }

        var key = ExactCache.Key(context.Tenant, InferStep.CompletionOf(context));
        if (!context.BypassCache && await TryGetAsync(key, settings, cancellationToken) is { } cached)
        {
            // Nothing was spent on this answer.
            context.Completion = cached with { CostUsd = 0m };
            context.MaskedAnswer.Append(cached.Text);
            context.CacheHit = true;
            return;
        }

        await inner.ExecuteAsync(context, cancellationToken);
        if (context.Problem is null && context.Completion is { } completion)
        {
            await TrySetAsync(key, completion, settings, cancellationToken);
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

    private async Task TrySetAsync(string key, CompletionResponse completion, ExactCacheOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(key, completion, settings.Ttl, settings.RedisTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogCacheFailed(ex, "store");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Exact cache {Operation} failed; treating it as a miss")]
    private partial void LogCacheFailed(Exception ex, string operation);
}

using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Projections;

/// <summary>
/// Projects <see cref="InferenceCompleted"/> into the tenant's figures: all-time per model, and per model, route and
/// minute. Idempotent by event id: the dedupe marker and every increment are one Lua script, so a redelivery either
/// finds the marker and changes nothing, or the first delivery never happened.
/// </summary>
public sealed partial class InferenceProjection(
    IConnectionMultiplexer redis,
    IOptions<ProjectionOptions> options,
    TimeProvider time,
    ILogger<InferenceProjection> logger) : IEventHandler<InferenceCompleted>
{
    /// <summary>Stands in for a model or route the event does not name (a request blocked before routing).</summary>
    public const string Unnamed = "(none)";

    private const int MaxTenantLength = 128;
    private const int MaxNameLength = 256;
    private const decimal MaxCostUsd = 1_000_000m;
    private const double MaxLatencyMs = 1e10;

    // KEYS: applied marker, models set, series set, totals hash, minute hash.
    // ARGV: marker TTL ms, minute TTL ms, model, series member, then (field, increment) pairs.
    // Shared with FeedbackProjection: every event type is deduped and counted the same way.
    internal const string ApplyScript = """
        if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
          return 0
        end
        redis.call('SADD', KEYS[2], ARGV[3])
        redis.call('SADD', KEYS[3], ARGV[4])
        for i = 5, #ARGV, 2 do
          redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1])
          redis.call('HINCRBY', KEYS[5], ARGV[i], ARGV[i + 1])
        end
        redis.call('PEXPIRE', KEYS[5], ARGV[2])
        return 1
        """;

    public async Task HandleAsync(InferenceCompleted @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity($"{context.Topic} project");
        activity?.SetTag("messaging.message.id", context.EventId);

        if (Reject(@event) is { } reason)
        {
            activity?.SetTag("aiaspire.projection.outcome", "rejected");
            FeedbackWorkerTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
            LogRejected(context.EventId, reason);
            return;
        }

        // Per deployment (the name the router ranks and feedback carries); the provider's model id only when there is none.
        var model = !string.IsNullOrWhiteSpace(@event.Deployment) ? @event.Deployment
            : string.IsNullOrWhiteSpace(@event.Model) ? Unnamed : @event.Model;
        var route = string.IsNullOrWhiteSpace(@event.Route) ? Unnamed : @event.Route;
        var at = @event.Timestamp != default ? @event.Timestamp : context.Time ?? time.GetUtcNow();
        var settings = options.Value;

        RedisKey[] keys =
        [
            QualityKeys.Applied(@event.Tenant, context.EventId),
            QualityKeys.Models(@event.Tenant),
            QualityKeys.Series(@event.Tenant),
            QualityKeys.Totals(@event.Tenant, model),
            QualityKeys.Minute(@event.Tenant, model, route, at),
        ];
        var values = new List<RedisValue>(24)
        {
            (long)settings.DedupeWindow.TotalMilliseconds,
            (long)settings.MinuteRetention.TotalMilliseconds,
            model,
            QualityKeys.SeriesMember(model, route),
        };
        Increment(values, QualityFields.Requests, 1);
        Increment(values, QualityFields.Errors, string.Equals(@event.Status, "ok", StringComparison.OrdinalIgnoreCase) ? 0 : 1);
        Increment(values, QualityFields.TokensIn, @event.TokensIn);
        Increment(values, QualityFields.TokensOut, @event.TokensOut);
        Increment(values, QualityFields.CostNanoUsd, (long)decimal.Round(@event.CostUsd * QualityFields.NanoUsdPerUsd, MidpointRounding.AwayFromZero));
        Increment(values, QualityFields.CacheHits, @event.CacheHit ? 1 : 0);
        Increment(values, QualityFields.GuardBlocks, @event.GuardBlocked ? 1 : 0);
        Increment(values, QualityFields.LatencySumMicroseconds, (long)Math.Round(@event.LatencyMs * 1000));
        Increment(values, QualityFields.LatencyBucket(LatencyHistogram.BucketOf(@event.LatencyMs)), 1);

        await redis.GetDatabase().SetAddAsync(QualityKeys.Tenants, @event.Tenant).WaitAsync(cancellationToken);

        var applied = (long)await redis.GetDatabase().ScriptEvaluateAsync(ApplyScript, keys, [.. values]).WaitAsync(cancellationToken);
        if (applied == 0)
        {
            activity?.SetTag("aiaspire.projection.outcome", "duplicate");
            FeedbackWorkerTelemetry.Duplicates.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
            LogDuplicate(context.EventId);
            return;
        }

        activity?.SetTag("aiaspire.projection.outcome", "applied");
        FeedbackWorkerTelemetry.Projected.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
        FeedbackWorkerTelemetry.ProjectionLag.Record(Math.Max(0, (time.GetUtcNow() - at).TotalSeconds),
            new KeyValuePair<string, object?>("topic", context.Topic));
    }

    private static void Increment(List<RedisValue> values, string field, long by)
    {
        if (by != 0)
        {
            values.Add(field);
            values.Add(by);
        }
    }

    /// <summary>Why the event's figures cannot be counted, or null. Such an event is logged and skipped, never retried.</summary>
    private static string? Reject(InferenceCompleted @event)
    {
        if (string.IsNullOrWhiteSpace(@event.Tenant) || @event.Tenant.Length > MaxTenantLength)
        {
            return $"the tenant is missing or longer than {MaxTenantLength} characters";
        }
        if (@event.Model?.Length > MaxNameLength || @event.Deployment?.Length > MaxNameLength || @event.Route?.Length > MaxNameLength)
        {
            return $"the model, deployment or route is longer than {MaxNameLength} characters";
        }
        if (@event.TokensIn < 0 || @event.TokensOut < 0)
        {
            return "token counts are negative";
        }
        if (!double.IsFinite(@event.LatencyMs) || @event.LatencyMs < 0 || @event.LatencyMs > MaxLatencyMs)
        {
            return "the latency is negative or not a number";
        }
        if (@event.CostUsd < 0 || @event.CostUsd > MaxCostUsd)
        {
            return "the cost is negative or implausibly large";
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inference event {EventId} skipped: {Reason}")]
    private partial void LogRejected(string eventId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Inference event {EventId} was already applied")]
    private partial void LogDuplicate(string eventId);
}

using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.EventBus.Consuming;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Projections;

/// <summary>
/// Projects <see cref="InferenceCompleted"/> into the tenant's figures: all-time per model, and per model, route and
/// minute. Idempotent by event id: the dedupe markers and every increment are one Lua script, so a redelivery either
/// finds the marker and changes nothing, or the first delivery never happened. A read batch is one script call per
/// tenant (all pipelined), which adds up the increments of the events it applies and writes each field once.
/// </summary>
public sealed partial class InferenceProjection(
    IConnectionMultiplexer redis,
    IOptions<ProjectionOptions> options,
    TimeProvider time,
    ILogger<InferenceProjection> logger) : IBatchEventHandler<InferenceCompleted>
{
    /// <summary>Stands in for a model or route the event does not name (a request blocked before routing).</summary>
    public const string Unnamed = "(none)";

    private const int MaxTenantLength = 128;
    private const int MaxNameLength = 256;
    private const decimal MaxCostUsd = 1_000_000m;
    private const double MaxLatencyMs = 1e10;

    // KEYS: applied marker, models set, series set, totals hash, minute hash.
    // ARGV: marker TTL ms, minute TTL ms, model, series member, then (field, increment) pairs.
    // FeedbackProjection's, one event at a time; counts as ApplyBatchScript does.
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

    // KEYS: models set, series set, then per event: applied marker, totals hash, minute hash (one tenant's keys only).
    // ARGV: marker TTL ms, minute TTL ms, event count, then per event: model, series member, pair count, (field, increment) pairs.
    // Returns 1 (applied) or 0 (a duplicate) per event. Sums are kept in Lua numbers only while they stay exact
    // (below 2^52); a larger one goes to HINCRBY as it came, a string.
    internal const string ApplyBatchScript = """
        local applied, sums, hashes, models, series, minutes = {}, {}, {}, {}, {}, {}
        local a = 4
        for e = 1, tonumber(ARGV[3]) do
          local k = 3 * e
          local first = a + 3
          local last = first + 2 * tonumber(ARGV[a + 2]) - 1
          if redis.call('SET', KEYS[k], '1', 'NX', 'PX', ARGV[1]) then
            applied[e] = 1
            models[ARGV[a]] = true
            series[ARGV[a + 1]] = true
            minutes[KEYS[k + 2]] = true
            for h = k + 1, k + 2 do
              local key = KEYS[h]
              local fields = sums[key]
              if not fields then
                fields = {}
                sums[key] = fields
                hashes[#hashes + 1] = key
              end
              for i = first, last, 2 do
                local sum = (fields[ARGV[i]] or 0) + tonumber(ARGV[i + 1])
                if sum < 4503599627370496 then
                  fields[ARGV[i]] = sum
                else
                  redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
                end
              end
            end
          else
            applied[e] = 0
          end
          a = last + 1
        end
        for model in pairs(models) do redis.call('SADD', KEYS[1], model) end
        for member in pairs(series) do redis.call('SADD', KEYS[2], member) end
        for _, key in ipairs(hashes) do
          for field, sum in pairs(sums[key]) do
            redis.call('HINCRBY', key, field, string.format('%d', sum))
          end
        end
        for key in pairs(minutes) do redis.call('PEXPIRE', key, ARGV[2]) end
        return applied
        """;

    public Task HandleAsync(InferenceCompleted @event, EventContext context, CancellationToken cancellationToken) =>
        HandleBatchAsync([new ConsumedEvent<InferenceCompleted>(@event, context)], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<InferenceCompleted>> events, CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity($"{events[0].Context.Topic} project");
        activity?.SetTag("messaging.batch.message_count", events.Count);
        if (events.Count == 1)
        {
            activity?.SetTag("messaging.message.id", events[0].Context.EventId);
        }

        var settings = options.Value;
        var byTenant = new Dictionary<string, TenantBatch>(StringComparer.Ordinal);
        foreach (var (@event, context) in events)
        {
            if (Reject(@event) is { } reason)
            {
                FeedbackWorkerTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
                LogRejected(context.EventId, reason);
                continue;
            }
            if (!byTenant.TryGetValue(@event.Tenant, out var batch))
            {
                batch = new TenantBatch(@event.Tenant, settings);
                byTenant.Add(@event.Tenant, batch);
            }
            batch.Add(@event, context, context.Time ?? time.GetUtcNow());
        }
        if (byTenant.Count == 0)
        {
            activity?.SetTag("aiaspire.projection.outcome", "rejected");
            return;
        }

        // Sent together: one round trip for the batch however many tenants it holds.
        var db = redis.GetDatabase();
        var tenants = db.SetAddAsync(QualityKeys.Tenants, [.. byTenant.Keys.Select(t => (RedisValue)t)]);
        var scripts = byTenant.Values.Select(b => (Batch: b, Result: db.ScriptEvaluateAsync(ApplyBatchScript, b.Keys(), b.Values()))).ToList();
        await tenants.WaitAsync(cancellationToken);
        var now = time.GetUtcNow();
        long applied = 0, duplicates = 0;
        foreach (var (batch, result) in scripts)
        {
            var outcomes = (RedisResult[])(await result.WaitAsync(cancellationToken))!;
            for (var i = 0; i < outcomes.Length; i++)
            {
                var (eventId, topic, at) = batch.Events[i];
                if ((long)outcomes[i] == 0)
                {
                    duplicates++;
                    LogDuplicate(eventId);
                    continue;
                }
                applied++;
                FeedbackWorkerTelemetry.ProjectionLag.Record(Math.Max(0, (now - at).TotalSeconds), new KeyValuePair<string, object?>("topic", topic));
            }
        }
        var topicTag = new KeyValuePair<string, object?>("topic", events[0].Context.Topic);
        if (applied > 0)
        {
            FeedbackWorkerTelemetry.Projected.Add(applied, topicTag);
        }
        if (duplicates > 0)
        {
            FeedbackWorkerTelemetry.Duplicates.Add(duplicates, topicTag);
        }
        activity?.SetTag("aiaspire.projection.outcome", applied > 0 ? "applied" : "duplicate");
    }

    /// <summary>The keys and arguments of one tenant's <see cref="ApplyBatchScript"/> call.</summary>
    private sealed class TenantBatch(string tenant, ProjectionOptions settings)
    {
        private readonly List<RedisKey> _keys = [QualityKeys.Models(tenant), QualityKeys.Series(tenant)];
        private readonly List<RedisValue> _values =
            [(long)settings.DedupeWindow.TotalMilliseconds, (long)settings.MinuteRetention.TotalMilliseconds, 0];

        public List<(string EventId, string Topic, DateTimeOffset At)> Events { get; } = [];

        public void Add(InferenceCompleted @event, EventContext context, DateTimeOffset fallbackTime)
        {
            // Per deployment (the name the router ranks and feedback carries); the provider's model id only when there is none.
            var model = !string.IsNullOrWhiteSpace(@event.Deployment) ? @event.Deployment
                : string.IsNullOrWhiteSpace(@event.Model) ? Unnamed : @event.Model;
            var route = string.IsNullOrWhiteSpace(@event.Route) ? Unnamed : @event.Route;
            var at = @event.Timestamp != default ? @event.Timestamp : fallbackTime;

            _keys.Add(QualityKeys.Applied(tenant, context.EventId));
            _keys.Add(QualityKeys.Totals(tenant, model));
            _keys.Add(QualityKeys.Minute(tenant, model, route, at));
            _values.Add(model);
            _values.Add(QualityKeys.SeriesMember(model, route));
            var countAt = _values.Count;
            _values.Add(0);
            Increment(_values, QualityFields.Requests, 1);
            Increment(_values, QualityFields.Errors, string.Equals(@event.Status, "ok", StringComparison.OrdinalIgnoreCase) ? 0 : 1);
            Increment(_values, QualityFields.TokensIn, @event.TokensIn);
            Increment(_values, QualityFields.TokensOut, @event.TokensOut);
            Increment(_values, QualityFields.CostNanoUsd, (long)decimal.Round(@event.CostUsd * QualityFields.NanoUsdPerUsd, MidpointRounding.AwayFromZero));
            Increment(_values, QualityFields.CacheHits, @event.CacheHit ? 1 : 0);
            Increment(_values, QualityFields.GuardBlocks, @event.GuardBlocked ? 1 : 0);
            Increment(_values, QualityFields.LatencySumMicroseconds, (long)Math.Round(@event.LatencyMs * 1000));
            Increment(_values, QualityFields.LatencyBucket(LatencyHistogram.BucketOf(@event.LatencyMs)), 1);
            _values[countAt] = (_values.Count - countAt - 1) / 2;
            Events.Add((context.EventId, context.Topic, at));
            _values[2] = Events.Count;
        }

        public RedisKey[] Keys() => [.. _keys];

        public RedisValue[] Values() => [.. _values];
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

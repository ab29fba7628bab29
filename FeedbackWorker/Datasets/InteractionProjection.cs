using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.EventBus.Consuming;
using AiAspire.FeedbackWorker.Projections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Datasets;

/// <summary>
/// Keeps each masked interaction for the retraining export; a redelivery rewrites the same values. A read batch is
/// one pipelined round trip: a SET per interaction, one ZADD and one trim of the index per tenant.
/// </summary>
public sealed class InteractionProjection(IConnectionMultiplexer redis, IOptions<DatasetOptions> options, TimeProvider time)
    : IBatchEventHandler<InteractionCaptured>
{
    private const int MaxTextLength = 200_000;

    public Task HandleAsync(InteractionCaptured @event, EventContext context, CancellationToken cancellationToken) =>
        HandleBatchAsync([new ConsumedEvent<InteractionCaptured>(@event, context)], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<InteractionCaptured>> events, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var retention = options.Value.Retention;
        var writes = new List<Task>(events.Count + 4);
        var index = new Dictionary<string, List<SortedSetEntry>>(StringComparer.Ordinal);
        var topic = new KeyValuePair<string, object?>("topic", events[0].Context.Topic);
        foreach (var (@event, _) in events)
        {
            if (string.IsNullOrWhiteSpace(@event.Tenant) || @event.Tenant.Length > 128 || string.IsNullOrEmpty(@event.RequestId)
                || @event.RequestId.Length > 256 || @event.Messages.Sum(m => m.Content.Length) + @event.Response.Length > MaxTextLength)
            {
                FeedbackWorkerTelemetry.Rejected.Add(1, topic);
                continue;
            }
            writes.Add(db.StringSetAsync(QualityKeys.Interaction(@event.Tenant, @event.RequestId),
                JsonSerializer.SerializeToUtf8Bytes(@event, EventsJsonContext.Default.InteractionCaptured), retention));
            if (!index.TryGetValue(@event.Tenant, out var entries))
            {
                entries = [];
                index.Add(@event.Tenant, entries);
            }
            entries.Add(new SortedSetEntry(@event.RequestId, @event.Timestamp.ToUnixTimeMilliseconds()));
        }
        var expired = (time.GetUtcNow() - retention).ToUnixTimeMilliseconds();
        foreach (var (tenant, entries) in index)
        {
            writes.Add(db.SortedSetAddAsync(QualityKeys.Interactions(tenant), [.. entries]));
            // Forget index entries past retention, so the set does not outgrow the interactions it points to.
            writes.Add(db.SortedSetRemoveRangeByScoreAsync(QualityKeys.Interactions(tenant), 0, expired));
        }
        await Task.WhenAll(writes).WaitAsync(cancellationToken);
        var stored = index.Values.Sum(e => e.Count);
        if (stored > 0)
        {
            FeedbackWorkerTelemetry.Projected.Add(stored, topic);
        }
    }
}

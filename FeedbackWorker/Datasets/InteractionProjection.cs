using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Datasets;

/// <summary>Keeps each masked interaction for the retraining export; a redelivery rewrites the same values.</summary>
public sealed class InteractionProjection(IConnectionMultiplexer redis, IOptions<DatasetOptions> options) : IEventHandler<InteractionCaptured>
{
    private const int MaxTextLength = 200_000;

    public async Task HandleAsync(InteractionCaptured @event, EventContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(@event.Tenant) || @event.Tenant.Length > 128 || string.IsNullOrEmpty(@event.RequestId)
            || @event.RequestId.Length > 256 || @event.Messages.Sum(m => m.Content.Length) + @event.Response.Length > MaxTextLength)
        {
            FeedbackWorkerTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
            return;
        }
        var db = redis.GetDatabase();
        var retention = options.Value.Retention;
        await db.StringSetAsync(QualityKeys.Interaction(@event.Tenant, @event.RequestId),
            JsonSerializer.Serialize(@event, EventsJsonContext.Default.InteractionCaptured), retention).WaitAsync(cancellationToken);
        await db.SortedSetAddAsync(QualityKeys.Interactions(@event.Tenant), @event.RequestId, @event.Timestamp.ToUnixTimeMilliseconds())
            .WaitAsync(cancellationToken);
        // Forget index entries past retention, so the set does not outgrow the interactions it points to.
        await db.SortedSetRemoveRangeByScoreAsync(QualityKeys.Interactions(@event.Tenant), 0,
            (DateTimeOffset.UtcNow - retention).ToUnixTimeMilliseconds()).WaitAsync(cancellationToken);
        FeedbackWorkerTelemetry.Projected.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
    }
}

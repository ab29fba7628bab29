using AiAspire.Contracts.Events;
using System.Text.Json;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Datasets;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Projections;

/// <summary>
/// Projects <see cref="FeedbackSubmitted"/> into feedback up/down per model (all time) and per model, route and minute.
/// Idempotent by event id through the same script as <see cref="InferenceProjection"/>.
/// </summary>
public sealed partial class FeedbackProjection(
    IConnectionMultiplexer redis,
    IOptions<ProjectionOptions> options,
    IOptions<DatasetOptions> datasets,
    TimeProvider time,
    ILogger<FeedbackProjection> logger) : IEventHandler<FeedbackSubmitted>
{
    private const int MaxTenantLength = 128;
    private const int MaxNameLength = 256;

    public async Task HandleAsync(FeedbackSubmitted @event, EventContext context, CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity($"{context.Topic} project");
        activity?.SetTag("messaging.message.id", context.EventId);

        var field = @event.Rating switch
        {
            FeedbackRatings.Up => QualityFields.FeedbackUp,
            FeedbackRatings.Down => QualityFields.FeedbackDown,
            _ => null,
        };
        if (field is null || string.IsNullOrWhiteSpace(@event.Tenant) || @event.Tenant.Length > MaxTenantLength
            || @event.Model?.Length > MaxNameLength || @event.Route?.Length > MaxNameLength)
        {
            activity?.SetTag("aiaspire.projection.outcome", "rejected");
            FeedbackWorkerTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
            LogRejected(context.EventId);
            return;
        }

        var model = string.IsNullOrWhiteSpace(@event.Model) ? InferenceProjection.Unnamed : @event.Model;
        var route = string.IsNullOrWhiteSpace(@event.Route) ? InferenceProjection.Unnamed : @event.Route;
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
        RedisValue[] values =
        [
            (long)settings.DedupeWindow.TotalMilliseconds,
            (long)settings.MinuteRetention.TotalMilliseconds,
            model,
            QualityKeys.SeriesMember(model, route),
            field,
            1,
        ];

        await redis.GetDatabase().SetAddAsync(QualityKeys.Tenants, @event.Tenant).WaitAsync(cancellationToken);

        if (!string.IsNullOrEmpty(@event.ResponseId) && @event.ResponseId.Length <= 256)
        {
            // For the retraining export's join; the latest rating of a response wins, and a redelivery rewrites it.
            await redis.GetDatabase().StringSetAsync(QualityKeys.Rating(@event.Tenant, @event.ResponseId),
                JsonSerializer.Serialize(new RatingRecord(@event.Rating, @event.Correction), DatasetsJsonContext.Default.RatingRecord),
                datasets.Value.Retention).WaitAsync(cancellationToken);
        }
        var applied = (long)await redis.GetDatabase().ScriptEvaluateAsync(InferenceProjection.ApplyScript, keys, values).WaitAsync(cancellationToken);
        var outcome = applied == 0 ? "duplicate" : "applied";
        activity?.SetTag("aiaspire.projection.outcome", outcome);
        (applied == 0 ? FeedbackWorkerTelemetry.Duplicates : FeedbackWorkerTelemetry.Projected)
            .Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feedback event {EventId} skipped: no tenant, an unknown rating, or over-long names")]
    private partial void LogRejected(string eventId);
}

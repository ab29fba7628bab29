using System.Diagnostics;
using AiAspire.Contracts.Events;
using AiAspire.EventBus.Consuming;
using AiAspire.EventBus.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.EventBus.RedisStreams;

/// <summary>
/// Reads one topic in a consumer group and acknowledges each entry only after its handler succeeded.
/// At start it first re-reads this consumer's own pending entries, so a crash mid-batch redelivers them. Entries left
/// pending longer than <see cref="EventBusOptions.ClaimIdleTime"/> (by any consumer of the group, this one included)
/// are taken over with XAUTOCLAIM and retried; one delivered <see cref="EventBusOptions.MaxDeliveries"/> times goes to
/// the dead-letter stream <c>&lt;topic&gt;.dlq</c> instead.
/// A read batch is acknowledged with one XACK, and handed at once to an <see cref="IBatchEventHandler{TEvent}"/>.
/// When a read finds the stream drained it waits <see cref="EventBusOptions.IdlePollInterval"/> before the next,
/// so a lightly loaded consumer reads one batch per interval instead of one event per round trip. Every few seconds it
/// trims the entries every group of the topic has acknowledged (<see cref="AcknowledgedEntries"/>).
/// </summary>
internal sealed partial class RedisStreamsConsumer<TEvent>(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    ConsumerGroup group,
    IOptions<EventBusOptions> options,
    ILogger<RedisStreamsConsumer<TEvent>> logger) : BackgroundService
    where TEvent : IIntegrationEvent<TEvent>
{
    /// <summary>How often acknowledged entries are trimmed: often enough that a stream holds seconds of events.</summary>
    private static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(5);

    /// <summary>Acknowledged entries younger than this stay: longer than a consumer takes to reconnect (5 s at most).</summary>
    private static readonly TimeSpan TrimMargin = TimeSpan.FromSeconds(10);

    private readonly string _consumer = $"{group.Name}-{Environment.MachineName}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var topic = TEvent.Topic;
        var readFrom = "0"; // own pending entries first (one pass, by id), then new ones (">")
        var failures = 0;
        var nextClaim = DateTime.UtcNow + ClaimInterval;
        var nextTrim = DateTime.UtcNow + TrimInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var db = redis.GetDatabase();
                await EnsureGroupAsync(db, topic);
                if (DateTime.UtcNow >= nextClaim)
                {
                    await ClaimStuckEntriesAsync(db, topic, stoppingToken);
                    nextClaim = DateTime.UtcNow + ClaimInterval;
                }
                if (DateTime.UtcNow >= nextTrim)
                {
                    await TrimAcknowledgedAsync(db, topic);
                    nextTrim = DateTime.UtcNow + TrimInterval;
                }
                var entries = await db.StreamReadGroupAsync(topic, group.Name, _consumer, readFrom, options.Value.ReadBatchSize);
                failures = 0;
                if (entries.Length == 0)
                {
                    if (readFrom != ">")
                    {
                        readFrom = ">";
                        continue;
                    }
                    await Task.Delay(options.Value.IdlePollInterval, stoppingToken);
                    continue;
                }

                // Entries re-read from the pending list have been delivered before: count, and dead-letter if need be.
                var deliveries = readFrom == ">" ? null : await DeliveryCountsAsync(db, topic, entries);
                await HandleAllAsync(db, topic, entries, deliveries, stoppingToken);
                if (readFrom != ">")
                {
                    // Walk the pending list once: an entry whose handler failed again stays pending for the next
                    // pass instead of being re-read at once forever, which would starve new entries.
                    readFrom = entries[^1].Id.ToString();
                }
                else if (entries.Length < options.Value.ReadBatchSize)
                {
                    // Drained: reading again at once would mostly fetch nothing or one event per round trip. Events
                    // wait at most one interval, as they do after an empty read.
                    await Task.Delay(options.Value.IdlePollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                failures++;
                LogBusUnavailable(ex, topic, failures);
                readFrom = "0";
                // Redis may have come back empty (restarted without persistence): NOGROUP until it is created again.
                group.Created = false;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * (1 << Math.Min(failures, 6)))), stoppingToken);
            }
        }
    }

    private TimeSpan ClaimInterval => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, options.Value.ClaimIdleTime.Ticks / 2));

    private async Task HandleAllAsync(
        IDatabase db, string topic, StreamEntry[] entries, Dictionary<string, int>? deliveries, CancellationToken stoppingToken)
    {
        var done = new List<RedisValue>(entries.Length); // acknowledged together, after their handler returned
        var events = new List<(StreamEntry Entry, ConsumedEvent<TEvent> Event)>(entries.Length);
        foreach (var entry in entries)
        {
            if (entry.IsNull)
            {
                continue; // deleted from the stream (trimmed) while pending
            }
            var deliveryCount = deliveries?.GetValueOrDefault(entry.Id.ToString(), 1) ?? 1;
            if (deliveryCount > options.Value.MaxDeliveries)
            {
                await DeadLetterAsync(db, topic, entry, deliveryCount - 1);
                continue;
            }
            if (Decode(entry, topic, deliveryCount) is { } consumed)
            {
                events.Add((entry, consumed));
            }
            else
            {
                done.Add(entry.Id); // unreadable: logged, never retried
            }
        }

        if (events.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<IEventHandler<TEvent>>();
            if (events.Count > 1 && handler is IBatchEventHandler<TEvent> batchHandler
                && await HandleBatchAsync(batchHandler, topic, events, stoppingToken))
            {
                done.AddRange(events.Select(e => e.Entry.Id));
            }
            else
            {
                // One at a time: the handler takes no batches, or the batch failed and the events that can be
                // handled should not wait for the one that cannot.
                foreach (var (entry, consumed) in events)
                {
                    if (await HandleAsync(handler, entry, consumed, stoppingToken))
                    {
                        done.Add(entry.Id);
                    }
                }
            }
        }

        if (done.Count > 0)
        {
            await db.StreamAcknowledgeAsync(topic, group.Name, [.. done]);
        }
    }

    /// <summary>Takes over the group's entries pending longer than the claim idle time, a page at a time, and retries them.</summary>
    private async Task ClaimStuckEntriesAsync(IDatabase db, string topic, CancellationToken stoppingToken)
    {
        const int MaxPages = 100; // bounds one pass; the next pass continues from the start
        RedisValue cursor = "0-0";
        var minIdle = (long)options.Value.ClaimIdleTime.TotalMilliseconds;
        for (var page = 0; page < MaxPages && !stoppingToken.IsCancellationRequested; page++)
        {
            var claimed = await db.StreamAutoClaimAsync(topic, group.Name, _consumer, minIdle, cursor, options.Value.ReadBatchSize);
            if (claimed.IsNull)
            {
                return;
            }
            if (claimed.ClaimedEntries.Length > 0)
            {
                LogClaimed(claimed.ClaimedEntries.Length, topic);
                var deliveries = await DeliveryCountsAsync(db, topic, claimed.ClaimedEntries);
                await HandleAllAsync(db, topic, claimed.ClaimedEntries, deliveries, stoppingToken);
            }
            cursor = claimed.NextStartId;
            if (cursor == "0-0")
            {
                return;
            }
        }
    }

    /// <returns>How often each entry has been delivered, from the group's pending list (XPENDING).</returns>
    private async Task<Dictionary<string, int>> DeliveryCountsAsync(IDatabase db, string topic, StreamEntry[] entries)
    {
        var live = entries.Where(e => !e.IsNull).ToArray();
        if (live.Length == 0)
        {
            return [];
        }
        var pending = await db.StreamPendingMessagesAsync(
            topic, group.Name, live.Length, _consumer, live.Min(e => e.Id), live.Max(e => e.Id));
        return pending.ToDictionary(p => p.MessageId.ToString(), p => p.DeliveryCount);
    }

    /// <summary>Copies the entry, as it is, to <c>&lt;topic&gt;.dlq</c> with where it came from, then acknowledges it.</summary>
    private async Task DeadLetterAsync(IDatabase db, string topic, StreamEntry entry, int failedDeliveries)
    {
        NameValueEntry[] fields =
        [
            .. entry.Values,
            new(RedisStreamFields.SourceId, entry.Id),
            new(RedisStreamFields.Group, group.Name),
            new(RedisStreamFields.Deliveries, failedDeliveries),
        ];
        var deadLetters = DeadLetters.TopicOf(topic);
        await db.StreamAddAsync(deadLetters, fields, maxLength: options.Value.StreamMaxLength, useApproximateMaxLength: true);
        await db.StreamAcknowledgeAsync(topic, group.Name, entry.Id);
        EventBusTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("topic", topic));
        LogDeadLettered((string?)entry[RedisStreamFields.Id] ?? entry.Id.ToString(), topic, failedDeliveries, deadLetters);
    }

    private async Task EnsureGroupAsync(IDatabase db, string topic)
    {
        if (group.Created)
        {
            return;
        }
        try
        {
            await db.StreamCreateConsumerGroupAsync(topic, group.Name, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
        group.Created = true;
    }

    /// <returns>The event, or null when the entry is unreadable (then logged).</returns>
    private ConsumedEvent<TEvent>? Decode(StreamEntry entry, string topic, int deliveryCount)
    {
        var body = entry[RedisStreamFields.Event];
        if (body.IsNull)
        {
            LogPoisonEntry(null, topic, entry.Id.ToString());
            return null;
        }
        try
        {
            var (envelope, decoded) = EventEnvelope.Decode<TEvent>((byte[])body!);
            return new ConsumedEvent<TEvent>(decoded, new EventContext(envelope.Id!, topic, envelope.Time, deliveryCount));
        }
        catch (FormatException ex)
        {
            LogPoisonEntry(ex, topic, entry.Id.ToString());
            return null;
        }
    }

    /// <returns>True when the handler succeeded.</returns>
    private async Task<bool> HandleAsync(IEventHandler<TEvent> handler, StreamEntry entry, ConsumedEvent<TEvent> consumed, CancellationToken stoppingToken)
    {
        var (@event, context) = consumed;
        ActivityContext.TryParse(entry[RedisStreamFields.TraceParent], entry[RedisStreamFields.TraceState], out var parent);
        using var activity = EventBusTelemetry.ActivitySource.StartActivity($"{context.Topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", context.Topic);
        activity?.SetTag("messaging.consumer.group.name", group.Name);
        activity?.SetTag("messaging.message.id", context.EventId);
        try
        {
            await handler.HandleAsync(@event, context, stoppingToken);
            EventBusTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            EventBusTelemetry.HandlerFailures.Add(1, new KeyValuePair<string, object?>("topic", context.Topic));
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            LogHandlerFailed(ex, context.EventId, context.Topic);
            return false;
        }
    }

    /// <summary>One span for the batch, linked to each event's publishing span (the messaging conventions' batch shape).</summary>
    /// <returns>True when the handler took the whole batch; false when it failed (its events are then retried one by one).</returns>
    private async Task<bool> HandleBatchAsync(
        IBatchEventHandler<TEvent> handler, string topic, List<(StreamEntry Entry, ConsumedEvent<TEvent> Event)> events, CancellationToken stoppingToken)
    {
        using var activity = EventBusTelemetry.ActivitySource.HasListeners()
            ? EventBusTelemetry.ActivitySource.StartActivity($"{topic} process", ActivityKind.Consumer, default(ActivityContext), links: Links(events))
            : null;
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.consumer.group.name", group.Name);
        activity?.SetTag("messaging.batch.message_count", events.Count);
        try
        {
            await handler.HandleBatchAsync([.. events.Select(e => e.Event)], stoppingToken);
            EventBusTelemetry.Handled.Add(events.Count, new KeyValuePair<string, object?>("topic", topic));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            LogBatchFailed(ex, events.Count, topic);
            return false;
        }
    }

    private static List<ActivityLink> Links(List<(StreamEntry Entry, ConsumedEvent<TEvent> Event)> events)
    {
        var links = new List<ActivityLink>(events.Count);
        foreach (var (entry, _) in events)
        {
            if (ActivityContext.TryParse(entry[RedisStreamFields.TraceParent], entry[RedisStreamFields.TraceState], out var context))
            {
                links.Add(new ActivityLink(context));
            }
        }
        return links;
    }

    private async Task TrimAcknowledgedAsync(IDatabase db, string topic)
    {
        try
        {
            var removed = await AcknowledgedEntries.TrimAsync(db, topic, TrimMargin);
            if (removed > 0)
            {
                LogTrimmed(removed, topic);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogTrimFailed(ex, topic); // the next pass tries again; MAXLEN still caps the stream meanwhile
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trimmed {Count} entries of {Topic} that every consumer group has acknowledged")]
    private partial void LogTrimmed(long count, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not trim acknowledged entries of {Topic}")]
    private partial void LogTrimFailed(Exception ex, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch handler failed for {Count} events on {Topic}: handling them one by one")]
    private partial void LogBatchFailed(Exception ex, int count, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Claimed {Count} entries of {Topic} left pending too long")]
    private partial void LogClaimed(int count, string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} on {Topic} failed {Deliveries} deliveries: moved to {DeadLetterTopic}")]
    private partial void LogDeadLettered(string eventId, string topic, int deliveries, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event bus unavailable while reading {Topic} (failure {Failures}); retrying")]
    private partial void LogBusUnavailable(Exception ex, string topic, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable entry {EntryId} on {Topic}: acknowledged and skipped")]
    private partial void LogPoisonEntry(Exception? ex, string topic, string entryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler failed for event {EventId} on {Topic}: left pending for redelivery")]
    private partial void LogHandlerFailed(Exception ex, string eventId, string topic);
}

/// <summary>The consumer group a service reads a topic in.</summary>
internal sealed class ConsumerGroup(string name)
{
    public string Name { get; } = name;
    public bool Created { get; set; }
}

using System.Diagnostics;
using AiAspire.Contracts.Events;
using AiAspire.EventBus.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.EventBus.RedisStreams;

/// <summary>
/// Reads one topic in a consumer group and acknowledges each entry only after its handler succeeded.
/// At start it first re-reads this consumer's own pending entries, so a crash mid-batch redelivers them.
/// </summary>
internal sealed partial class RedisStreamsConsumer<TEvent>(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    ConsumerGroup group,
    IOptions<EventBusOptions> options,
    ILogger<RedisStreamsConsumer<TEvent>> logger) : BackgroundService
    where TEvent : IIntegrationEvent<TEvent>
{
    private readonly string _consumer = $"{group.Name}-{Environment.MachineName}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var topic = TEvent.Topic;
        var readFrom = "0"; // own pending entries first (one pass, by id), then new ones (">")
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var db = redis.GetDatabase();
                await EnsureGroupAsync(db, topic);
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

                foreach (var entry in entries)
                {
                    if (await HandleAsync(entry, topic, stoppingToken))
                    {
                        await db.StreamAcknowledgeAsync(topic, group.Name, entry.Id);
                    }
                }
                if (readFrom != ">")
                {
                    // Walk the pending list once: an entry whose handler failed again stays pending for the next
                    // pass instead of being re-read at once forever, which would starve new entries.
                    readFrom = entries[^1].Id.ToString();
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

    /// <returns>True when the entry is done with: handled, or unreadable (then logged, never retried).</returns>
    private async Task<bool> HandleAsync(StreamEntry entry, string topic, CancellationToken stoppingToken)
    {
        var body = entry[RedisStreamFields.Event];
        if (body.IsNull)
        {
            LogPoisonEntry(null, topic, entry.Id.ToString());
            return true;
        }

        ActivityContext.TryParse(entry[RedisStreamFields.TraceParent], entry[RedisStreamFields.TraceState], out var parent);
        using var activity = EventBusTelemetry.ActivitySource.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.consumer.group.name", group.Name);

        TEvent @event;
        EventContext context;
        try
        {
            var (envelope, decoded) = EventEnvelope.Decode<TEvent>((byte[])body!);
            @event = decoded;
            context = new EventContext(envelope.Id!, topic, envelope.Time, 1);
            activity?.SetTag("messaging.message.id", envelope.Id);
        }
        catch (FormatException ex)
        {
            LogPoisonEntry(ex, topic, entry.Id.ToString());
            return true;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<IEventHandler<TEvent>>();
            await handler.HandleAsync(@event, context, stoppingToken);
            EventBusTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("topic", topic));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            EventBusTelemetry.HandlerFailures.Add(1, new KeyValuePair<string, object?>("topic", topic));
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            LogHandlerFailed(ex, context.EventId, topic);
            return false;
        }
    }

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

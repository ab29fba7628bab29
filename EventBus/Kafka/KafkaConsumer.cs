using System.Diagnostics;
using AiAspire.Contracts.Events;
using AiAspire.EventBus.Publishing;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Kafka;

/// <summary>
/// Consumes one topic in a consumer group and commits each record's offset only after it is done with: handled,
/// or, after <see cref="EventBusOptions.MaxDeliveries"/> attempts with backoff, produced to <c>&lt;topic&gt;.dlq</c>.
/// </summary>
internal sealed partial class KafkaConsumer<TEvent>(
    KafkaConnection connection,
    KafkaTopics topics,
    IServiceScopeFactory scopes,
    string group,
    IOptions<EventBusOptions> busOptions,
    IOptions<KafkaOptions> kafkaOptions,
    ILogger<KafkaConsumer<TEvent>> logger) : BackgroundService
    where TEvent : IIntegrationEvent<TEvent>
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);

    // Consume blocks its thread: give the loop its own rather than a pool thread.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var topic = TEvent.Topic;
        try
        {
            await EnsureTopicsAsync(topic, stoppingToken);
            using var consumer = new ConsumerBuilder<string, byte[]>(KafkaConfigs.Consumer(connection, group)).Build();
            using var deadLetters = new ProducerBuilder<string, byte[]>(KafkaConfigs.Producer(connection)).Build();
            consumer.Subscribe(topic);
            try
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    ConsumeResult<string, byte[]>? result;
                    try
                    {
                        result = consumer.Consume(PollTimeout);
                    }
                    catch (ConsumeException ex)
                    {
                        LogConsumeFailed(ex, topic);
                        await Task.Delay(busOptions.Value.IdlePollInterval, stoppingToken);
                        continue;
                    }
                    if (result is null || result.IsPartitionEOF)
                    {
                        continue;
                    }

                    await ProcessAsync(result, deadLetters, stoppingToken);
                    try
                    {
                        consumer.Commit(result);
                    }
                    catch (KafkaException ex)
                    {
                        // Redelivered after a rebalance or restart; handlers are idempotent by event id.
                        LogCommitFailed(ex, topic, result.Offset.Value);
                    }
                }
            }
            finally
            {
                consumer.Close();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task EnsureTopicsAsync(string topic, CancellationToken stoppingToken)
    {
        var delay = kafkaOptions.Value.RetryBaseDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await topics.EnsureAsync(topic).WaitAsync(stoppingToken);
                return;
            }
            catch (KafkaException ex)
            {
                LogConsumeFailed(ex, topic);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, busOptions.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    /// <summary>Handles the record, retrying with backoff; dead-letters it when it cannot be read or keeps failing.</summary>
    private async Task ProcessAsync(ConsumeResult<string, byte[]> result, IProducer<string, byte[]> deadLetters, CancellationToken stoppingToken)
    {
        var topic = result.Topic;
        var (traceParent, traceState) = KafkaMessages.TraceContextOf(result.Message.Headers);
        ActivityContext.TryParse(traceParent, traceState, out var parent);

        TEvent @event;
        string eventId;
        DateTimeOffset? time;
        try
        {
            var (envelope, decoded) = EventEnvelope.Decode<TEvent>(result.Message.Value);
            (@event, eventId, time) = (decoded, envelope.Id!, envelope.Time);
        }
        catch (FormatException ex)
        {
            LogPoisonRecord(ex, topic, result.TopicPartitionOffset.ToString());
            await DeadLetterAsync(deadLetters, result, 1, ex.Message, stoppingToken);
            return;
        }

        var settings = busOptions.Value;
        var delay = kafkaOptions.Value.RetryBaseDelay;
        Exception? lastError = null;
        for (var delivery = 1; delivery <= settings.MaxDeliveries; delivery++)
        {
            using var activity = EventBusTelemetry.ActivitySource.StartActivity($"{topic} process", ActivityKind.Consumer, parent);
            activity?.SetTag("messaging.system", "kafka");
            activity?.SetTag("messaging.destination.name", topic);
            activity?.SetTag("messaging.consumer.group.name", group);
            activity?.SetTag("messaging.message.id", eventId);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetRequiredService<IEventHandler<TEvent>>();
                await handler.HandleAsync(@event, new EventContext(eventId, topic, time, delivery), stoppingToken);
                EventBusTelemetry.Handled.Add(1, new KeyValuePair<string, object?>("topic", topic));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                lastError = ex;
                EventBusTelemetry.HandlerFailures.Add(1, new KeyValuePair<string, object?>("topic", topic));
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                LogHandlerFailed(ex, eventId, topic, delivery);
            }
            if (delivery < settings.MaxDeliveries)
            {
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxRetryDelay.Ticks));
            }
        }
        await DeadLetterAsync(deadLetters, result, settings.MaxDeliveries, lastError?.Message, stoppingToken);
    }

    /// <summary>Produces the record to the dead-letter topic, retrying until the broker takes it (or the service stops).</summary>
    private async Task DeadLetterAsync(
        IProducer<string, byte[]> deadLetters, ConsumeResult<string, byte[]> result, int deliveries, string? error, CancellationToken stoppingToken)
    {
        var deadLetterTopic = DeadLetters.TopicOf(result.Topic);
        var record = KafkaMessages.ToDeadLetter(result.Message, group, deliveries, error);
        var delay = kafkaOptions.Value.RetryBaseDelay;
        while (true)
        {
            try
            {
                await deadLetters.ProduceAsync(deadLetterTopic, record, stoppingToken);
                EventBusTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("topic", result.Topic));
                LogDeadLettered(result.TopicPartitionOffset.ToString(), deliveries, deadLetterTopic);
                return;
            }
            catch (ProduceException<string, byte[]> ex)
            {
                LogConsumeFailed(ex, deadLetterTopic);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, busOptions.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka unavailable for {Topic}; retrying")]
    private partial void LogConsumeFailed(Exception ex, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing {Topic} at offset {Offset} failed")]
    private partial void LogCommitFailed(Exception ex, string topic, long offset);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unreadable record {Position} on {Topic}: dead-lettered")]
    private partial void LogPoisonRecord(Exception ex, string topic, string position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler failed for event {EventId} on {Topic} (delivery {Delivery})")]
    private partial void LogHandlerFailed(Exception ex, string eventId, string topic, int delivery);

    [LoggerMessage(Level = LogLevel.Error, Message = "Record {Position} failed {Deliveries} deliveries: moved to {DeadLetterTopic}")]
    private partial void LogDeadLettered(string position, int deliveries, string deadLetterTopic);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Publishing;

/// <summary>Drains the publisher's buffer in order, retrying each message with backoff until the bus takes it.</summary>
internal sealed partial class EventSendLoop(
    EventPublisher publisher,
    IEventTransport transport,
    IOptions<EventBusOptions> options,
    ILogger<EventSendLoop> logger) : BackgroundService
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = publisher.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (reader.TryRead(out var message))
                {
                    await SendWithRetryAsync(message, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        using var drain = new CancellationTokenSource(DrainTimeout);
        try
        {
            while (reader.TryRead(out var message))
            {
                await transport.SendAsync(message, drain.Token);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUnsentAtShutdown(ex);
        }
    }

    private async Task SendWithRetryAsync(OutgoingMessage message, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transport.SendAsync(message, stoppingToken);
                EventBusTelemetry.Published.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                EventBusTelemetry.SendFailures.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
                LogSendFailed(ex, message.Id, message.Topic, attempt, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending event {EventId} to {Topic} failed (attempt {Attempt}); retrying in {Delay}")]
    private partial void LogSendFailed(Exception ex, string eventId, string topic, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Events left unsent at shutdown")]
    private partial void LogUnsentAtShutdown(Exception ex);
}

using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Publishing;

/// <summary>
/// Sends what the publisher queued, in order: straight from memory while the bus takes it; when sends keep failing
/// for <see cref="EventBusOptions.SpillAfter"/>, the buffer goes to the spill file, which is replayed first once the
/// bus is back (also after a restart of the process).
/// </summary>
internal sealed partial class EventSendLoop(
    EventPublisher publisher,
    IEventTransport transport,
    IOptions<EventBusOptions> options,
    ILogger<EventSendLoop> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);

    private OutboundQueue Queue => publisher.Queue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (Queue.Spill.HasUnsent)
                {
                    await ReplayAsync(stoppingToken);
                    continue;
                }
                var batch = Queue.TakeInFlight(options.Value.SendBatchSize);
                if (batch.Count == 0)
                {
                    if (!Queue.Spill.HasUnsent && !await Queue.Reader.WaitToReadAsync(stoppingToken))
                    {
                        break;
                    }
                    continue;
                }
                await SendInFlightAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Also after a failure nobody expected: what memory holds is sent or spilled, never dropped with the loop.
            await DrainAtShutdownAsync();
        }
    }

    /// <summary>Sends a batch taken from memory, retrying with backoff; spills it when the bus stays down.</summary>
    private async Task SendInFlightAsync(IReadOnlyList<OutgoingMessage> batch, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failingFor = Stopwatch.StartNew();
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var sent = await TrySendAsync(batch, stoppingToken);
            Queue.MarkSent(sent);
            if (sent == batch.Count)
            {
                return;
            }
            batch = [.. batch.Skip(sent)];
            if (sent > 0)
            {
                failingFor.Restart();
            }
            if (failingFor.Elapsed >= settings.SpillAfter)
            {
                try
                {
                    var spilled = Queue.SpillInFlightAndBuffer();
                    LogSpilled(spilled, Queue.Spill.Path);
                    return;
                }
                catch (IOException ex)
                {
                    // Hold everything in memory and keep trying the bus; a full buffer now loses new events (counted).
                    LogSpillFailed(ex, Queue.Spill.Path);
                    batch = Queue.TakeInFlight(settings.SendBatchSize);
                    if (batch.Count == 0)
                    {
                        return;
                    }
                    failingFor.Restart();
                }
            }
            LogSendFailed(batch[0].Id, batch[0].Topic, attempt, delay);
            await Task.Delay(delay, stoppingToken);
            delay = NextDelay(delay);
        }
    }

    /// <summary>Sends the spill file in order from its cursor, then empties it; while the bus is down, keeps memory empty.</summary>
    private async Task ReplayAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = FirstRetryDelay;
        var replayed = 0L;
        LogReplayStarting(Queue.Spill.Path);
        while (!stoppingToken.IsCancellationRequested)
        {
            var records = Queue.Spill.ReadBatch(settings.SendBatchSize);
            if (records.Count == 0)
            {
                if (Queue.TryFinishReplay())
                {
                    LogReplayed(replayed);
                    return;
                }
                continue;
            }

            var messages = records.Select(r => r.Message).ToList();
            var sent = await TrySendAsync(messages, stoppingToken);
            if (sent > 0)
            {
                Queue.Spill.Advance(records[sent - 1].End);
                EventBusTelemetry.Replayed.Add(sent);
                replayed += sent;
                delay = FirstRetryDelay;
            }
            if (sent == records.Count)
            {
                continue;
            }

            try
            {
                Queue.SpillBuffer();
            }
            catch (IOException ex)
            {
                LogSpillFailed(ex, Queue.Spill.Path);
            }
            await Task.Delay(delay, stoppingToken);
            delay = NextDelay(delay);
        }
    }

    /// <returns>How many leading messages the bus took.</returns>
    private async Task<int> TrySendAsync(IReadOnlyList<OutgoingMessage> batch, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            await transport.SendBatchAsync(batch, timeout.Token);
            Count(EventBusTelemetry.Published, batch, batch.Count);
            return batch.Count;
        }
        catch (EventTransportException ex)
        {
            Count(EventBusTelemetry.Published, batch, ex.Sent);
            EventBusTelemetry.SendFailures.Add(1, new KeyValuePair<string, object?>("topic", batch[ex.Sent].Topic));
            LogBatchFailed(ex.InnerException, batch[ex.Sent].Topic, ex.Sent, batch.Count);
            return ex.Sent;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            EventBusTelemetry.SendFailures.Add(1, new KeyValuePair<string, object?>("topic", batch[0].Topic));
            LogBatchFailed(ex, batch[0].Topic, 0, batch.Count);
            return 0;
        }
    }

    /// <summary>At shutdown, sends what memory holds if the bus takes it within a few seconds; spills the rest.</summary>
    private async Task DrainAtShutdownAsync()
    {
        Queue.CompleteBuffer();
        using var drain = new CancellationTokenSource(options.Value.ShutdownDrainTime);
        try
        {
            while (!drain.IsCancellationRequested)
            {
                var batch = Queue.TakeInFlight(options.Value.SendBatchSize);
                if (batch.Count == 0)
                {
                    break;
                }
                var sent = await TrySendAsync(batch, drain.Token);
                Queue.MarkSent(sent);
                if (sent < batch.Count)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Out of drain time in the middle of a send: whether that batch arrived is unknown, so it is spilled too
            // (a duplicate is deduplicated by event id, a lost event is lost).
            LogDrainStopped(ex);
        }
        try
        {
            var spilled = Queue.SpillInFlightAndBuffer();
            if (spilled > 0)
            {
                LogSpilledAtShutdown(spilled, Queue.Spill.Path);
            }
        }
        catch (IOException ex)
        {
            LogUnsentAtShutdown(ex, Queue.Unsent);
        }
    }

    private TimeSpan NextDelay(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxRetryDelay.Ticks));

    private static void Count(System.Diagnostics.Metrics.Counter<long> counter, IReadOnlyList<OutgoingMessage> batch, int count)
    {
        for (var i = 0; i < count; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("topic", batch[i].Topic));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to {Topic} failed after {Sent} of {Count} event(s)")]
    private partial void LogBatchFailed(Exception? ex, string topic, int sent, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {EventId} to {Topic} not sent (attempt {Attempt}); retrying in {Delay}")]
    private partial void LogSendFailed(string eventId, string topic, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus keeps failing: spilled {Count} event(s) to {Path}")]
    private partial void LogSpilled(int count, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the spill file {Path}: holding events in memory")]
    private partial void LogSpillFailed(Exception ex, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replaying spilled events from {Path}")]
    private partial void LogReplayStarting(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay done: {Count} spilled event(s) sent")]
    private partial void LogReplayed(long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spilled {Count} unsent event(s) to {Path} at shutdown: they are sent at the next start")]
    private partial void LogSpilledAtShutdown(int count, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bus did not take the buffer within the shutdown drain time: spilling it")]
    private partial void LogDrainStopped(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the spill file at shutdown: {Count} event(s) lost")]
    private partial void LogUnsentAtShutdown(Exception ex, int count);
}

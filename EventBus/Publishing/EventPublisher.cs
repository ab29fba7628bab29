using System.Diagnostics;
using AiAspire.Contracts.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Publishing;

/// <summary>
/// Encodes events and queues them for <see cref="EventSendLoop"/>: in a bounded memory buffer, spilled to a local file
/// when that is full or the bus is down. Never blocks on the bus.
/// </summary>
public sealed partial class EventPublisher : IEventPublisher, IDisposable
{
    private readonly Uri _source;
    private readonly ILogger<EventPublisher> _logger;

    public EventPublisher(IOptions<EventBusOptions> options, EventSource source, ILogger<EventPublisher> logger)
    {
        var folder = options.Value.SpillPath ?? Path.Combine(Directory.GetCurrentDirectory(), "data", "eventbus");
        Queue = new OutboundQueue(options.Value.BufferCapacity, SpillFile.OpenFirstFree(folder));
        _source = source.Uri;
        _logger = logger;
    }

    internal OutboundQueue Queue { get; }

    /// <returns>False only when the buffer was full and the spill file could not be written either.</returns>
    public bool Publish<TEvent>(TEvent @event) where TEvent : IIntegrationEvent<TEvent>
    {
        using var activity = EventBusTelemetry.ActivitySource.StartActivity($"{TEvent.Topic} publish", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "aiaspire");
        activity?.SetTag("messaging.destination.name", TEvent.Topic);

        var context = activity?.Context ?? Activity.Current?.Context;
        string? traceParent = null;
        if (context is { } ctx && ctx.TraceId != default)
        {
            traceParent = $"00-{ctx.TraceId}-{ctx.SpanId}-{(ctx.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? "01" : "00")}";
        }

        var message = EventEnvelope.Encode(@event, _source, traceParent, context?.TraceState);
        activity?.SetTag("messaging.message.id", message.Id);

        try
        {
            if (Queue.Enqueue(message))
            {
                LogSpilledOnFullBuffer(message.Id, message.Topic);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            EventBusTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("topic", TEvent.Topic));
            LogDropped(ex, message.Id, message.Topic);
            return false;
        }
    }

    public void Dispose() => Queue.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Send buffer full: event {EventId} for {Topic} and the buffer were spilled to disk")]
    private partial void LogSpilledOnFullBuffer(string eventId, string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Send buffer full and the spill file unwritable: lost event {EventId} for {Topic}")]
    private partial void LogDropped(Exception ex, string eventId, string topic);
}

/// <summary>The CloudEvents <c>source</c> of this service's events.</summary>
public sealed record EventSource(Uri Uri);

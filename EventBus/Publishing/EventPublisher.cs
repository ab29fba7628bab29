using System.Diagnostics;
using System.Threading.Channels;
using AiAspire.Contracts.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Publishing;

/// <summary>Encodes events and queues them in a bounded buffer that <see cref="EventSendLoop"/> drains.</summary>
public sealed partial class EventPublisher : IEventPublisher
{
    private readonly Channel<OutgoingMessage> _buffer;
    private readonly Uri _source;
    private readonly ILogger<EventPublisher> _logger;

    public EventPublisher(IOptions<EventBusOptions> options, EventSource source, ILogger<EventPublisher> logger)
    {
        _buffer = Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(options.Value.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _source = source.Uri;
        _logger = logger;
    }

    internal ChannelReader<OutgoingMessage> Reader => _buffer.Reader;

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

        if (_buffer.Writer.TryWrite(message))
        {
            return true;
        }

        EventBusTelemetry.Dropped.Add(1, new KeyValuePair<string, object?>("topic", TEvent.Topic));
        LogDropped(message.Topic, message.Id);
        return false;
    }

    internal void Complete() => _buffer.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send buffer full: dropped event {EventId} for {Topic}")]
    private partial void LogDropped(string topic, string eventId);
}

/// <summary>The CloudEvents <c>source</c> of this service's events.</summary>
public sealed record EventSource(Uri Uri);

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiAspire.EventBus;

/// <summary>Spans and counters of the bus; trace context crosses it in message headers.</summary>
public static class EventBusTelemetry
{
    public const string Name = "AiAspire.EventBus";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("aiaspire.eventbus.published", "{event}", "Events handed to the transport");
    public static readonly Counter<long> Dropped = Meter.CreateCounter<long>("aiaspire.eventbus.dropped", "{event}", "Events lost because the send buffer was full and the spill file could not be written");
    public static readonly Counter<long> Spilled = Meter.CreateCounter<long>("aiaspire.eventbus.spilled", "{event}", "Events written to the spill file while the bus was down or the buffer full");
    public static readonly Counter<long> Replayed = Meter.CreateCounter<long>("aiaspire.eventbus.replayed", "{event}", "Spilled events handed to the transport");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("aiaspire.eventbus.dead_lettered", "{event}", "Events moved to a dead-letter topic or stream");
    public static readonly Counter<long> SendFailures = Meter.CreateCounter<long>("aiaspire.eventbus.send_failures", "{attempt}", "Failed transport sends (retried)");
    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("aiaspire.eventbus.handled", "{event}", "Events handled and acknowledged");
    public static readonly Counter<long> HandlerFailures = Meter.CreateCounter<long>("aiaspire.eventbus.handler_failures", "{event}", "Handler failures (left pending for redelivery)");
}

using System.Net.Mime;
using System.Text.Json;
using AiAspire.Contracts.Events;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace AiAspire.EventBus;

/// <summary>Encodes events as CloudEvents 1.0 in structured JSON mode, and back.</summary>
public static class EventEnvelope
{
    private static readonly JsonEventFormatter Formatter = new();

    public static OutgoingMessage Encode<TEvent>(TEvent @event, Uri source, string? traceParent, string? traceState)
        where TEvent : IIntegrationEvent<TEvent>
    {
        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Type = TEvent.EventType,
            Source = source,
            Subject = @event.Subject,
            Time = DateTimeOffset.UtcNow,
            DataContentType = MediaTypeNames.Application.Json,
            Data = JsonSerializer.SerializeToElement(@event, TEvent.JsonTypeInfo),
        };
        var body = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        return new OutgoingMessage(TEvent.Topic, cloudEvent.Id, TEvent.EventType, @event.Subject, body, traceParent, traceState);
    }

    /// <summary>Decodes a structured-mode CloudEvent whose data is a <typeparamref name="TEvent"/>.</summary>
    /// <exception cref="FormatException">The bytes are not such an event.</exception>
    public static (CloudEvent Envelope, TEvent Event) Decode<TEvent>(ReadOnlyMemory<byte> body)
        where TEvent : IIntegrationEvent<TEvent>
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(body, new System.Net.Mime.ContentType("application/cloudevents+json"), extensionAttributes: null);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException)
        {
            throw new FormatException("The message is not a CloudEvent.", ex);
        }

        if (cloudEvent.Type != TEvent.EventType)
        {
            throw new FormatException($"Expected event type {TEvent.EventType}, got {cloudEvent.Type}.");
        }
        if (cloudEvent.Data is not JsonElement data)
        {
            throw new FormatException("The CloudEvent carries no JSON data.");
        }

        try
        {
            var @event = data.Deserialize(TEvent.JsonTypeInfo) ?? throw new FormatException("The CloudEvent data is null.");
            return (cloudEvent, @event);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The CloudEvent data is not a {typeof(TEvent).Name}.", ex);
        }
    }
}

using System.Text;
using Confluent.Kafka;

namespace AiAspire.EventBus.Kafka;

/// <summary>
/// Maps bus messages onto Kafka records: key = tenant, value = the structured-mode CloudEvent JSON, and W3C trace
/// context (plus the CloudEvents content type) as record headers.
/// </summary>
public static class KafkaMessages
{
    public const string ContentTypeHeader = "content-type";
    public const string CloudEventsContentType = "application/cloudevents+json";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>On a dead-letter record: how often the event was delivered, and the group that gave up on it.</summary>
    public const string DeliveriesHeader = "aiaspire-deliveries";
    public const string GroupHeader = "aiaspire-group";
    public const string ErrorHeader = "aiaspire-error";

    public static Message<string, byte[]> ToRecord(OutgoingMessage message)
    {
        var headers = new Headers { { ContentTypeHeader, Encoding.ASCII.GetBytes(CloudEventsContentType) } };
        if (message.TraceParent is not null)
        {
            headers.Add(TraceParentHeader, Encoding.ASCII.GetBytes(message.TraceParent));
        }
        if (!string.IsNullOrEmpty(message.TraceState))
        {
            headers.Add(TraceStateHeader, Encoding.ASCII.GetBytes(message.TraceState));
        }
        return new Message<string, byte[]> { Key = message.Key, Value = message.Body.ToArray(), Headers = headers };
    }

    /// <returns>The trace context a record carries, or nulls.</returns>
    public static (string? TraceParent, string? TraceState) TraceContextOf(Headers? headers) =>
        (Header(headers, TraceParentHeader), Header(headers, TraceStateHeader));

    /// <summary>A copy of <paramref name="record"/> for the dead-letter topic, with why it is there.</summary>
    public static Message<string, byte[]> ToDeadLetter(Message<string, byte[]> record, string group, int deliveries, string? error)
    {
        var headers = new Headers();
        foreach (var header in record.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }
        headers.Add(GroupHeader, Encoding.UTF8.GetBytes(group));
        headers.Add(DeliveriesHeader, Encoding.ASCII.GetBytes(deliveries.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (error is not null)
        {
            headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(error.Length > 512 ? error[..512] : error));
        }
        return new Message<string, byte[]> { Key = record.Key, Value = record.Value, Headers = headers };
    }

    public static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}

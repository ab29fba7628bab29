namespace AiAspire.EventBus.RedisStreams;

/// <summary>Field names of a stream entry: the CloudEvent plus its trace context as headers.</summary>
internal static class RedisStreamFields
{
    public const string Id = "id";
    public const string Type = "type";
    public const string Key = "key";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string Event = "event";

    /// <summary>On a dead-letter entry: the id the entry had in its topic's stream.</summary>
    public const string SourceId = "source-id";

    /// <summary>On a dead-letter entry: the consumer group that gave up on it.</summary>
    public const string Group = "group";

    /// <summary>On a dead-letter entry: how often it was delivered.</summary>
    public const string Deliveries = "deliveries";
}

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
}

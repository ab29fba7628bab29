using System.Text.Json.Serialization.Metadata;

namespace AiAspire.Contracts.Events;

/// <summary>An event carried by the bus: each type knows its topic, CloudEvents type and serializer.</summary>
public interface IIntegrationEvent<TSelf> where TSelf : IIntegrationEvent<TSelf>
{
    static abstract string Topic { get; }
    static abstract string EventType { get; }
    static abstract JsonTypeInfo<TSelf> JsonTypeInfo { get; }

    /// <summary>The CloudEvents subject: the tenant; also the partition key.</summary>
    string Subject { get; }
}

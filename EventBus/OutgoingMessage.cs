namespace AiAspire.EventBus;

/// <summary>An encoded event on its way to a transport.</summary>
/// <param name="Key">Partition key: the tenant.</param>
/// <param name="Body">The structured-mode CloudEvent JSON.</param>
public sealed record OutgoingMessage(
    string Topic,
    string Id,
    string Type,
    string Key,
    ReadOnlyMemory<byte> Body,
    string? TraceParent,
    string? TraceState);

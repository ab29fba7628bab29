using Microsoft.Extensions.Options;
using AiAspire.EventBus.Publishing;
using StackExchange.Redis;

namespace AiAspire.EventBus.RedisStreams;

/// <summary>XADD with an approximate MAXLEN: one stream per topic.</summary>
public sealed class RedisStreamsTransport(IConnectionMultiplexer redis, IOptions<EventBusOptions> options) : IEventTransport
{
    public async Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var fields = new List<NameValueEntry>(6)
        {
            new(RedisStreamFields.Id, message.Id),
            new(RedisStreamFields.Type, message.Type),
            new(RedisStreamFields.Key, message.Key),
            new(RedisStreamFields.Event, message.Body),
        };
        if (message.TraceParent is not null)
        {
            fields.Add(new(RedisStreamFields.TraceParent, message.TraceParent));
        }
        if (!string.IsNullOrEmpty(message.TraceState))
        {
            fields.Add(new(RedisStreamFields.TraceState, message.TraceState));
        }

        await redis.GetDatabase().StreamAddAsync(
            message.Topic, [.. fields], maxLength: options.Value.StreamMaxLength, useApproximateMaxLength: true)
            .WaitAsync(cancellationToken);
    }
}

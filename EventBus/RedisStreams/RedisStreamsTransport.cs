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
        await Add(redis.GetDatabase(), message).WaitAsync(cancellationToken);
    }

    /// <summary>Pipelines the XADDs on one connection, so they reach Redis in order without a round trip each.</summary>
    public async Task SendBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // While disconnected, the client would queue the commands and run them on reconnect even after we gave up
        // on them, so every retry would turn into a burst of duplicates: fail fast instead.
        if (!redis.IsConnected)
        {
            throw new EventTransportException(0, new InvalidOperationException("Redis is not connected."));
        }
        var db = redis.GetDatabase();
        var sends = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            sends[i] = Add(db, messages[i]);
        }
        for (var i = 0; i < sends.Length; i++)
        {
            try
            {
                await sends[i].WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                ObserveRest(sends, i + 1);
                throw new EventTransportException(i, ex);
            }
            catch
            {
                ObserveRest(sends, i + 1);
                throw;
            }
        }
    }

    private Task<RedisValue> Add(IDatabase db, OutgoingMessage message)
    {
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
        return db.StreamAddAsync(message.Topic, [.. fields], maxLength: options.Value.StreamMaxLength, useApproximateMaxLength: true);
    }

    private static void ObserveRest(Task[] sends, int from)
    {
        for (var i = from; i < sends.Length; i++)
        {
            _ = sends[i].ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }
}

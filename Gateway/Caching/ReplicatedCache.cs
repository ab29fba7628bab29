using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AiAspire.Gateway.Caching;

/// <summary>
/// A replica's local copy of records kept in Redis. A change is published on <c>channel</c> so every replica drops its
/// copy at once; messages published while a replica was cut off are lost, so it forgets everything when its connection
/// returns. A read that raced an invalidation is not cached (the generation moved), so a stale value never sticks.
/// </summary>
public sealed partial class ReplicatedCache<TValue>
{
    private readonly ConcurrentDictionary<string, (TValue Value, long FetchedAt)> _entries = new(StringComparer.Ordinal);
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisChannel _channel;
    private readonly int _capacity;
    private readonly TimeSpan _publishTimeout;
    private readonly ILogger _logger;
    private long _generation;
    private int _subscribed;

    public ReplicatedCache(IConnectionMultiplexer redis, RedisChannel channel, int capacity, TimeSpan publishTimeout, ILogger logger)
    {
        _redis = redis;
        _channel = channel;
        _capacity = capacity;
        _publishTimeout = publishTimeout;
        _logger = logger;
        _redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                Volatile.Write(ref _subscribed, 0);
            }
        };
        _redis.ConnectionRestored += (_, _) =>
        {
            Interlocked.Increment(ref _generation);
            _entries.Clear();
            Subscribe();
        };
        Subscribe();
    }

    /// <summary>Whether this replica hears invalidations now; until it does, a change elsewhere may go unseen.</summary>
    public bool IsSubscribed => Volatile.Read(ref _subscribed) == 1;

    /// <summary>Taken before reading Redis and handed to <see cref="Store"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(string key, out TValue value, out long fetchedAt)
    {
        var found = _entries.TryGetValue(key, out var entry);
        (value, fetchedAt) = found ? entry : (default!, 0);
        return found;
    }

    /// <summary>Caches what was read at <paramref name="generation"/>, unless an invalidation arrived meanwhile.</summary>
    public void Store(string key, TValue value, long fetchedAt, long generation)
    {
        if (Interlocked.Read(ref _generation) != generation)
        {
            return;
        }
        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }
        _entries[key] = (value, fetchedAt);
    }

    public void Remove(string key) => _entries.TryRemove(key, out _);

    /// <summary>Drops <paramref name="key"/> here and tells every other replica to drop it.</summary>
    public async Task PublishChangeAsync(string key, CancellationToken cancellationToken)
    {
        Invalidate(key);
        await _redis.GetSubscriber().PublishAsync(_channel, key).WaitAsync(_publishTimeout, cancellationToken);
    }

    private void Subscribe()
    {
        if (IsSubscribed)
        {
            return;
        }
        try
        {
            _redis.GetSubscriber().Subscribe(_channel, (_, message) => Invalidate(message.ToString()));
            Volatile.Write(ref _subscribed, 1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Retried when the connection returns; meanwhile callers see IsSubscribed false.
            LogNotSubscribed(_logger, _channel.ToString(), ex.Message);
        }
    }

    private void Invalidate(string key)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(key, out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to {Channel} ({Reason}); cached entries may go stale until they expire.")]
    private static partial void LogNotSubscribed(ILogger logger, string channel, string reason);
}

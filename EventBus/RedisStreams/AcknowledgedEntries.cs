using StackExchange.Redis;

namespace AiAspire.EventBus.RedisStreams;

/// <summary>
/// Trims from a stream the entries every consumer group has acknowledged, so streams stay small under sustained load
/// while an entry some group has not processed yet is never removed (the approximate MAXLEN of XADD stays the hard cap).
/// </summary>
/// <remarks>
/// A group has acknowledged every entry before its oldest pending one, and, if none is pending, every entry up to
/// the last one delivered to it. Both only ever move forward, so a bound computed from XINFO GROUPS and XPENDING
/// stays safe however long it takes to apply. A stream without groups is left alone: whoever will read it has not
/// started yet. Dead-letter streams have no groups, so they are kept (up to MAXLEN) for inspection. Entries younger
/// than a margin are kept too, for a group that exists but cannot be seen right now: after a Redis restart without
/// persistence each consumer creates its group again when it reconnects, one before another.
/// </remarks>
internal static class AcknowledgedEntries
{
    /// <param name="keepYoungerThan">Entries this much older than the stream's newest one, or less, are kept.</param>
    /// <returns>The id below which entries may go (XTRIM MINID), or null when none may.</returns>
    public static async Task<StreamId?> SafeMinIdAsync(IDatabase db, string topic, TimeSpan keepYoungerThan)
    {
        var groups = await db.StreamGroupInfoAsync(topic);
        var newest = await db.StreamRangeAsync(topic, count: 1, messageOrder: Order.Descending);
        if (groups.Length == 0 || newest.Length == 0)
        {
            return null;
        }
        var margin = (ulong)keepYoungerThan.TotalMilliseconds;
        var newestMs = StreamId.Parse(newest[0].Id).Milliseconds;
        StreamId? bound = margin == 0 ? null : new StreamId(newestMs > margin ? newestMs - margin : 0, 0);
        foreach (var group in groups)
        {
            var next = StreamId.Parse(group.LastDeliveredId).Next();
            if (group.PendingMessageCount > 0)
            {
                var pending = await db.StreamPendingAsync(topic, group.Name);
                if (pending.PendingMessageCount > 0)
                {
                    next = StreamId.Min(next, StreamId.Parse(pending.LowestPendingMessageId));
                }
            }
            bound = bound is { } b ? StreamId.Min(b, next) : next;
        }
        return bound;
    }

    /// <summary>Removes entries below <see cref="SafeMinIdAsync"/> (approximately: whole stream nodes only, never more).</summary>
    /// <returns>How many entries were removed.</returns>
    public static async Task<long> TrimAsync(IDatabase db, string topic, TimeSpan keepYoungerThan)
    {
        // An approximate XTRIM removes at most 100 nodes' worth of entries per call, which keeps each call short;
        // a backlog (the first trim of a long stream) takes a few calls.
        const int MaxCalls = 100;
        if (await SafeMinIdAsync(db, topic, keepYoungerThan) is not { } minId)
        {
            return 0;
        }
        long removed = 0;
        for (var call = 0; call < MaxCalls; call++)
        {
            var now = await db.StreamTrimByMinIdAsync(topic, minId.ToString(), useApproximateMaxLength: true);
            removed += now;
            if (now == 0)
            {
                break;
            }
        }
        return removed;
    }
}

using AiAspire.EventBus.RedisStreams;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

/// <summary>Trimming what every consumer group has acknowledged, and nothing else, on a real redis-server.</summary>
public sealed class AcknowledgedEntriesTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _client = redis.Connect();
    private readonly string _stream = "trim-" + Guid.NewGuid().ToString("N")[..8];

    private IDatabase Db => _client.GetDatabase();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task EntriesEveryGroupAcknowledged_AreTrimmed_ThoseALaggingGroupHasNotAcknowledged_Stay()
    {
        var ids = await AddAsync(1_000);
        await ReadAsync("fast", 1_000, acknowledge: 1_000);
        await ReadAsync("slow", 300, acknowledge: 200); // 100 pending, 700 not delivered yet

        var removed = await AcknowledgedEntries.TrimAsync(Db, _stream, TimeSpan.Zero);

        var remaining = (await Db.StreamRangeAsync(_stream)).Select(e => e.Id.ToString()).ToList();
        Assert.InRange(removed, 1, 200);
        Assert.Equal(1_000 - removed, remaining.Count);
        Assert.Equal(ids[200..], remaining[^800..]); // the slow group's pending and unread entries, all there
    }

    [Fact]
    public async Task AGroupThatHasReadNothing_KeepsEveryEntry()
    {
        await AddAsync(500);
        await ReadAsync("fast", 500, acknowledge: 500);
        await Db.StreamCreateConsumerGroupAsync(_stream, "new", StreamPosition.Beginning);

        Assert.Equal(0, await AcknowledgedEntries.TrimAsync(Db, _stream, TimeSpan.Zero));
        Assert.Equal(500, await Db.StreamLengthAsync(_stream));
    }

    [Fact]
    public async Task AStreamWithoutGroups_IsLeftAlone()
    {
        await AddAsync(500);

        Assert.Null(await AcknowledgedEntries.SafeMinIdAsync(Db, _stream, TimeSpan.Zero));
        Assert.Equal(0, await AcknowledgedEntries.TrimAsync(Db, _stream, TimeSpan.Zero));
        Assert.Equal(500, await Db.StreamLengthAsync(_stream));
    }

    [Fact]
    public async Task OnceEveryGroupAcknowledgedEverything_AtMostTheLastNodeStays()
    {
        var ids = await AddAsync(1_000);
        await ReadAsync("a", 1_000, acknowledge: 1_000);
        await ReadAsync("b", 1_000, acknowledge: 1_000);

        Assert.Equal(StreamId.Parse(ids[^1]).Next(), await AcknowledgedEntries.SafeMinIdAsync(Db, _stream, TimeSpan.Zero));
        await AcknowledgedEntries.TrimAsync(Db, _stream, TimeSpan.Zero);

        Assert.InRange(await Db.StreamLengthAsync(_stream), 0, 100); // stream-node-max-entries
    }

    [Fact]
    public async Task AcknowledgedEntriesYoungerThanTheMargin_Stay()
    {
        await AddAsync(500);
        await ReadAsync("a", 500, acknowledge: 500);

        Assert.Equal(0, await AcknowledgedEntries.TrimAsync(Db, _stream, TimeSpan.FromHours(1)));
        Assert.Equal(500, await Db.StreamLengthAsync(_stream));
    }

    [Theory]
    [InlineData("9-0", "10-0")]
    [InlineData("12-3", "12-10")]
    [InlineData("5", "5-1")]
    public void StreamIds_CompareAsNumbers(string lower, string higher)
    {
        Assert.True(StreamId.Parse(lower).CompareTo(StreamId.Parse(higher)) < 0);
        Assert.Equal(StreamId.Parse(lower), StreamId.Min(StreamId.Parse(higher), StreamId.Parse(lower)));
        Assert.Equal("12-4", StreamId.Parse("12-3").Next().ToString());
    }

    private async Task<string[]> AddAsync(int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await Db.StreamAddAsync(_stream, "n", i)).ToString();
        }
        return ids;
    }

    private async Task ReadAsync(string group, int read, int acknowledge)
    {
        await Db.StreamCreateConsumerGroupAsync(_stream, group, StreamPosition.Beginning);
        var entries = await Db.StreamReadGroupAsync(_stream, group, "consumer", ">", read);
        Assert.Equal(read, entries.Length);
        await Db.StreamAcknowledgeAsync(_stream, group, [.. entries[..acknowledge].Select(e => e.Id)]);
    }
}

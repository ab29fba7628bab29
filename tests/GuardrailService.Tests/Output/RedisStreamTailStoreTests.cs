using AiAspire.GuardrailService.Output;
using AiAspire.TestKit;
using StackExchange.Redis;

namespace AiAspire.GuardrailService.Tests.Output;

public sealed class RedisStreamTailStoreTests(RedisServer redis) : IClassFixture<RedisServer>, IDisposable
{
    private readonly ConnectionMultiplexer _connection = redis.Connect();

    private RedisStreamTailStore Store() => new(_connection, new TestOptionsMonitor<StreamTailOptions>(new StreamTailOptions()));

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task Take_ReturnsTheTail_AndForgetsIt()
    {
        var store = Store();
        await store.SaveAsync("tenant-a", "s1", "the end of the first window", CancellationToken.None);

        var taken = await store.TakeAsync("tenant-a", "s1", CancellationToken.None);

        Assert.Equal("the end of the first window", taken);
        Assert.Null(await store.LoadAsync("tenant-a", "s1", CancellationToken.None));
        Assert.False(await _connection.GetDatabase().KeyExistsAsync(RedisStreamTailStore.KeyFor("tenant-a", "s1")));
    }

    [Fact]
    public async Task Take_OfAnUnknownStreamOrAnotherTenants_ReturnsNull_AndLeavesTheirTail()
    {
        var store = Store();
        await store.SaveAsync("tenant-a", "s2", "tenant a's tail", CancellationToken.None);

        Assert.Null(await store.TakeAsync("tenant-a", "unknown", CancellationToken.None));
        Assert.Null(await store.TakeAsync("tenant-b", "s2", CancellationToken.None));
        Assert.Equal("tenant a's tail", await store.LoadAsync("tenant-a", "s2", CancellationToken.None));
    }
}

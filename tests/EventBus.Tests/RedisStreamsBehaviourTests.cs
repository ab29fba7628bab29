using AiAspire.TestKit;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

public sealed class RedisStreamsBehaviourTests(RedisServer redis) : EventBusBehaviourTests, IClassFixture<RedisServer>
{
    protected override IDictionary<string, string?> TransportSettings => new Dictionary<string, string?>();

    protected override void AddTransportServices(IServiceCollection services) =>
        services.AddSingleton<IConnectionMultiplexer>(_ => redis.Connect());

    protected override async Task<IReadOnlyList<string>> DeadLetteredEventIdsAsync(string topic, string group)
    {
        using var client = redis.Connect();
        var entries = await client.GetDatabase().StreamRangeAsync(DeadLetters.TopicOf(topic));
        return [.. entries.Where(e => (string?)e["group"] == group).Select(e => (string)e["id"]!)];
    }
}

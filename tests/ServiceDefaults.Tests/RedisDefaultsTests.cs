using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.ServiceDefaults.Tests;

/// <summary><see cref="RedisDefaults"/>: the Redis connections a service registers through Aspire read replies on the thread pool.</summary>
public sealed class RedisDefaultsTests
{
    [Fact]
    public void AspireRedisClients_ReadRepliesOnTheThreadPool_UnlessOneChoseItsOwnSocketManager()
    {
        var builder = Host.CreateApplicationBuilder();
        // Nothing listens on port 9: only the options are read, no connection is made.
        builder.Configuration.AddInMemoryCollection([
            new("ConnectionStrings:cache", "127.0.0.1:9,abortConnect=false"),
            new("ConnectionStrings:own", "127.0.0.1:9,abortConnect=false"),
        ]);
        builder.AddServiceDefaults();
        builder.AddRedisClient("cache");
        builder.AddKeyedRedisClient("own", configureOptions: options => options.SocketManager = SocketManager.Shared);
        using var host = builder.Build();

        Assert.Same(SocketManager.ThreadPool, host.Services.GetRequiredService<IOptions<ConfigurationOptions>>().Value.SocketManager);
        Assert.Same(SocketManager.Shared, host.Services.GetRequiredService<IOptionsMonitor<ConfigurationOptions>>().Get("own").SocketManager);
    }
}

using System.Diagnostics;
using AiAspire.RouterService.Routing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.RouterService.SharedState;

/// <summary>
/// The Redis router replicas share state through, when there is one (<c>ConnectionStrings:cache</c>). Redis is an
/// optimisation, never a dependency: <see cref="Database"/> is null when none is configured, while it connects, and for
/// <see cref="RouterOptions.SharedStateRetryAfter"/> after a failure, and callers then keep their state in process.
/// </summary>
public sealed partial class RouterRedis
{
    private readonly Task<IConnectionMultiplexer?> _connection;
    private readonly IOptionsMonitor<RouterOptions> _options;
    private readonly ILogger<RouterRedis> _logger;
    private long _downUntil;

    public RouterRedis(IServiceProvider services, IOptionsMonitor<RouterOptions> options, ILogger<RouterRedis> logger)
    {
        _options = options;
        _logger = logger;
        // Resolving the multiplexer connects: never on a request's path.
        _connection = Task.Run(() =>
        {
            try
            {
                return services.GetService<IConnectionMultiplexer>();
            }
            catch (Exception ex) when (ex is RedisException or InvalidOperationException or ArgumentException)
            {
                LogUnavailable(ex);
                return null;
            }
        });
    }

    /// <summary>The shared database, or null to decide in process this time.</summary>
    public IDatabase? Database =>
        _connection is { IsCompletedSuccessfully: true, Result: { IsConnected: true } connection }
        && Stopwatch.GetTimestamp() >= Volatile.Read(ref _downUntil)
            ? connection.GetDatabase()
            : null;

    /// <summary>How long one shared-state call may hold a request up.</summary>
    public TimeSpan Timeout => _options.CurrentValue.SharedStateTimeout;

    /// <summary>A call failed or was too slow: decide in process for a while.</summary>
    public void Failed(Exception ex)
    {
        var retryAfter = _options.CurrentValue.SharedStateRetryAfter;
        Volatile.Write(ref _downUntil, Stopwatch.GetTimestamp() + (long)(retryAfter.TotalSeconds * Stopwatch.Frequency));
        LogFailed(ex, retryAfter);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shared router state in Redis failed; deciding in process for {RetryAfter}")]
    private partial void LogFailed(Exception ex, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Redis connection for shared router state; every decision stays in process")]
    private partial void LogUnavailable(Exception ex);
}

using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Quality;
using AiAspire.RouterService.Routing;
using AiAspire.RouterService.SharedState;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.RouterService.Quality;

/// <summary>
/// Reads the measured quality the FeedbackWorker publishes (<see cref="RouterQualityScores.RedisKey"/>) into the
/// <see cref="QualityScoreBoard"/> every <see cref="RouterOptions.QualityRefreshInterval"/>. When Redis is missing or
/// down, the last scores stay in use; routing never waits for them.
/// </summary>
public sealed partial class QualityScoreRefresher(
    RouterRedis redis,
    QualityScoreBoard board,
    IOptionsMonitor<RouterOptions> options,
    ILogger<QualityScoreRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RefreshAsync(stoppingToken);
            await Task.Delay(options.CurrentValue.QualityRefreshInterval, stoppingToken);
        }
    }

    /// <summary>Loads the published scores once; false when there were none to load (or Redis failed).</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (redis.Database is not { } db)
        {
            return false;
        }
        try
        {
            var json = await db.StringGetAsync(RouterQualityScores.RedisKey).WaitAsync(redis.Timeout, cancellationToken);
            if (json.IsNullOrEmpty)
            {
                return false;
            }
            var snapshot = JsonSerializer.Deserialize((string)json!, ContractsJsonContext.Default.RouterQualitySnapshot);
            if (snapshot is null)
            {
                return false;
            }
            board.Load(snapshot);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            redis.Failed(ex);
        }
        catch (JsonException ex)
        {
            LogUnreadable(ex);
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The published quality scores are not readable; the last ones stay in use")]
    private partial void LogUnreadable(Exception ex);
}

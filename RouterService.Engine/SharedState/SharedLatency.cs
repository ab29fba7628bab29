using System.Globalization;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Routing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.RouterService.SharedState;

/// <summary>
/// Shares latency averages between router replicas: every <see cref="RouterOptions.LatencyShareInterval"/> each replica
/// writes its own averages per deployment into a Redis hash (one field per replica) and reads the other replicas', which
/// <see cref="DeploymentObservations"/> folds into what the latency strategy sees. A new replica so starts from what
/// the others measured, and a deployment one replica found slow is avoided by all. Calls in flight are not shared:
/// least-busy balances this replica's own concurrency, and a shared count would cost two Redis writes on every call.
/// </summary>
public sealed partial class SharedLatency(
    RouterRedis redis,
    DeploymentObservations observations,
    ModelCatalog catalog,
    IOptionsMonitor<RouterOptions> options,
    TimeProvider time,
    ILogger<SharedLatency> logger) : BackgroundService
{
    /// <summary>This process, among the replicas.</summary>
    public string ReplicaId { get; } = Guid.NewGuid().ToString("N")[..12];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await ShareAsync(stoppingToken);
            await Task.Delay(options.CurrentValue.LatencyShareInterval, stoppingToken);
        }
    }

    /// <summary>One exchange: writes this replica's averages and reads the others'. False when Redis was not there.</summary>
    public async Task<bool> ShareAsync(CancellationToken cancellationToken)
    {
        if (redis.Database is not { } db)
        {
            return false;
        }
        var interval = options.CurrentValue.LatencyShareInterval;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var deployments = catalog.Deployments().Where(d => d.IsAvailable).Select(d => d.Name).ToList();
        try
        {
            var batch = db.CreateBatch();
            var writes = new List<Task>();
            var reads = new List<Task<HashEntry[]>>();
            foreach (var deployment in deployments)
            {
                var key = Key(deployment);
                if (observations.OwnLatency(deployment) is { } own)
                {
                    writes.Add(batch.HashSetAsync(key, ReplicaId, Format(own, now)));
                    writes.Add(batch.KeyExpireAsync(key, interval * 3));
                }
                reads.Add(batch.HashGetAllAsync(key));
            }
            batch.Execute();
            await Task.WhenAll(writes.Concat(reads)).WaitAsync(redis.Timeout, cancellationToken);

            var oldest = now - (long)(interval * 3).TotalMilliseconds;
            for (var i = 0; i < deployments.Count; i++)
            {
                observations.SetOthers(deployments[i], [.. reads[i].Result
                    .Where(e => e.Name != ReplicaId)
                    .Select(e => Parse(e.Value, oldest))
                    .OfType<LatencyEstimate>()]);
            }
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            redis.Failed(ex);
            return false;
        }
    }

    private static string Key(string deployment) => "aiaspire:router:latency:" + Uri.EscapeDataString(deployment.ToLowerInvariant());

    private static string Format(LatencyEstimate estimate, long now) =>
        string.Create(CultureInfo.InvariantCulture, $"{estimate.TotalMs:R};{estimate.FirstTokenMs:R};{estimate.Samples};{now}");

    /// <summary>Another replica's averages, or null when unreadable or older than <paramref name="oldest"/> (Unix ms).</summary>
    private LatencyEstimate? Parse(RedisValue value, long oldest)
    {
        var parts = value.ToString().Split(';');
        if (parts.Length == 4
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var total) && double.IsFinite(total) && total >= 0
            && long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var samples) && samples > 0
            && long.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var at) && at >= oldest)
        {
            double? firstToken = double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var ttft) && double.IsFinite(ttft) && ttft >= 0
                ? ttft
                : null;
            return new LatencyEstimate(firstToken, total, samples);
        }
        LogUnreadable(value.ToString());
        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored shared latency entry '{Entry}': unreadable or stale")]
    private partial void LogUnreadable(string entry);
}

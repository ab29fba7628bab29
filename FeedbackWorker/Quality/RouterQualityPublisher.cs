using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Quality;
using AiAspire.FeedbackWorker.Projections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Quality;

/// <summary>
/// Closes the feedback loop: on a timer, turns every tenant's thumbs up/down per model (the all-time totals
/// <see cref="FeedbackProjection"/> keeps) into Wilson lower-bound scores, per tenant and summed over tenants, and writes
/// them as one <see cref="RouterQualitySnapshot"/> under <see cref="RouterQualityScores.RedisKey"/>, where every router
/// replica reads it. Recomputed from the projections each time, so it is idempotent, needs no state of its own, and
/// any worker replica may write it.
/// </summary>
public sealed partial class RouterQualityPublisher(
    IConnectionMultiplexer redis,
    IOptionsMonitor<RouterQualityOptions> options,
    TimeProvider time,
    ILogger<RouterQualityPublisher> logger) : BackgroundService
{
    private const int MaxTenants = 10_000;
    private const int MaxModelsPerTenant = 1_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogPublishFailed(ex);
            }
            await Task.Delay(options.CurrentValue.PublishInterval, time, stoppingToken);
        }
    }

    /// <summary>Computes the scores from the projections and writes them; returns what was written.</summary>
    public async Task<RouterQualitySnapshot> PublishAsync(CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity("router quality publish");
        var z = options.CurrentValue.Z;
        var db = redis.GetDatabase();
        var tenants = (await db.SetMembersAsync(QualityKeys.Tenants).WaitAsync(cancellationToken))
            .Take(MaxTenants)
            .Select(t => t.ToString())
            .Order(StringComparer.Ordinal)
            .ToList();

        var perTenant = new Dictionary<string, IReadOnlyList<ModelQualityScore>>(StringComparer.Ordinal);
        var global = new Dictionary<string, (long Up, long Down)>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            var models = (await db.SetMembersAsync(QualityKeys.Models(tenant)).WaitAsync(cancellationToken))
                .Take(MaxModelsPerTenant)
                .Select(m => m.ToString())
                .ToList();
            var batch = db.CreateBatch();
            var reads = models
                .Select(m => batch.HashGetAsync(QualityKeys.Totals(tenant, m), [QualityFields.FeedbackUp, QualityFields.FeedbackDown]))
                .ToList();
            batch.Execute();
            await Task.WhenAll(reads).WaitAsync(cancellationToken);

            var scores = new List<ModelQualityScore>();
            for (var i = 0; i < models.Count; i++)
            {
                var values = reads[i].Result;
                long up = (long?)values[0] ?? 0, down = (long?)values[1] ?? 0;
                if (up + down <= 0 || models[i] == InferenceProjection.Unnamed)
                {
                    continue;
                }
                scores.Add(new ModelQualityScore(models[i], up, down, RouterQualityScores.WilsonLowerBound(up, down, z)));
                var sum = global.GetValueOrDefault(models[i]);
                global[models[i]] = (sum.Up + up, sum.Down + down);
            }
            if (scores.Count > 0)
            {
                perTenant[tenant] = [.. scores.OrderBy(s => s.Model, StringComparer.Ordinal)];
            }
        }

        var snapshot = new RouterQualitySnapshot(
            time.GetUtcNow(),
            [.. global.OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ModelQualityScore(g.Key, g.Value.Up, g.Value.Down, RouterQualityScores.WilsonLowerBound(g.Value.Up, g.Value.Down, z)))],
            perTenant);
        await db.StringSetAsync(RouterQualityScores.RedisKey,
            JsonSerializer.Serialize(snapshot, ContractsJsonContext.Default.RouterQualitySnapshot)).WaitAsync(cancellationToken);
        activity?.SetTag("aiaspire.router_quality.models", snapshot.Global.Count);
        return snapshot;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the router's quality scores failed; the router keeps the last ones")]
    private partial void LogPublishFailed(Exception ex);
}

using AiAspire.Contracts.Quality;
using AiAspire.FeedbackWorker.Projections;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Quality;

/// <summary>Reads the figures <see cref="InferenceProjection"/> keeps; never writes.</summary>
public sealed class QualityReadModel(IConnectionMultiplexer redis)
{
    /// <summary>The tenant's all-time figures, per model (most requests first) and in total; zeros before any event.</summary>
    public async Task<QualitySummary> GetSummaryAsync(string tenant, CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity("quality summary");
        var db = redis.GetDatabase();

        var models = (await db.SetMembersAsync(QualityKeys.Models(tenant)).WaitAsync(cancellationToken))
            .Select(member => member.ToString())
            .ToArray();
        var hashes = await Task.WhenAll(models.Select(model => db.HashGetAllAsync(QualityKeys.Totals(tenant, model))))
            .WaitAsync(cancellationToken);

        var total = new FigureTally();
        var perModel = new List<(string Model, FigureTally Tally)>(models.Length);
        for (var i = 0; i < models.Length; i++)
        {
            var tally = FigureTally.From(hashes[i]);
            total.Add(tally);
            perModel.Add((models[i], tally));
        }

        return new QualitySummary(
            tenant,
            total.ToFigures(),
            [.. perModel
                .OrderByDescending(entry => entry.Tally.Requests)
                .ThenBy(entry => entry.Model, StringComparer.Ordinal)
                .Select(entry => new ModelQuality(entry.Model, entry.Tally.ToFigures()))]);
    }

    /// <summary>Series × minutes one time-series request may read.</summary>
    public const int MaxMinuteHashes = 200_000;

    /// <summary>The tenant's models side by side (most requests first); an empty list before any event.</summary>
    public async Task<ModelComparisonList> GetModelsAsync(string tenant, CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity("quality models");
        var db = redis.GetDatabase();
        var models = (await db.SetMembersAsync(QualityKeys.Models(tenant)).WaitAsync(cancellationToken))
            .Select(member => member.ToString())
            .ToArray();
        var hashes = await Task.WhenAll(models.Select(model => db.HashGetAllAsync(QualityKeys.Totals(tenant, model))))
            .WaitAsync(cancellationToken);

        return new ModelComparisonList(tenant, [.. models
            .Select((model, i) => (Model: model, Tally: FigureTally.From(hashes[i])))
            .OrderByDescending(entry => entry.Tally.Requests)
            .ThenBy(entry => entry.Model, StringComparer.Ordinal)
            .Select(entry => entry.Tally.ToComparison(entry.Model))]);
    }

    /// <summary>The tenant's figures per bucket, merged from the per-minute hashes of the matching series.</summary>
    /// <returns>Null when the request would read more than <see cref="MaxMinuteHashes"/> hashes.</returns>
    public async Task<QualityTimeSeries?> GetTimeSeriesAsync(string tenant, TimeSeriesQuery query, CancellationToken cancellationToken)
    {
        using var activity = FeedbackWorkerTelemetry.ActivitySource.StartActivity("quality timeseries");
        var db = redis.GetDatabase();
        var series = (await db.SetMembersAsync(QualityKeys.Series(tenant)).WaitAsync(cancellationToken))
            .Select(member => member.ToString())
            .Where(member =>
            {
                var (model, route) = QualityKeys.ParseSeriesMember(member);
                return (query.Model is null || model == query.Model) && (query.Route is null || route == query.Route);
            })
            .ToArray();
        var minutes = (int)(query.To - query.From).TotalMinutes;
        if ((long)minutes * series.Length > MaxMinuteHashes)
        {
            return null;
        }

        var buckets = new FigureTally[query.Points];
        for (var b = 0; b < buckets.Length; b++)
        {
            buckets[b] = new FigureTally();
        }
        const int Chunk = 2_000;
        var keys = new List<(int Bucket, RedisKey Key)>(Chunk);
        for (var minute = 0; minute < minutes; minute++)
        {
            var at = query.From.AddMinutes(minute);
            foreach (var member in series)
            {
                keys.Add((minute / query.BucketMinutes, QualityKeys.MinuteOfSeries(tenant, member, at)));
                if (keys.Count == Chunk)
                {
                    await ReadIntoAsync(db, keys, buckets, cancellationToken);
                    keys.Clear();
                }
            }
        }
        await ReadIntoAsync(db, keys, buckets, cancellationToken);

        return new QualityTimeSeries(tenant, query.From, query.To, query.BucketMinutes, query.Model, query.Route,
            [.. buckets.Select((tally, b) => tally.ToPoint(query.From.AddMinutes(b * query.BucketMinutes)))]);
    }

    /// <summary>The tenant's figures (of one model, or all) over the whole minutes from <paramref name="from"/> to <paramref name="to"/>.</summary>
    internal async Task<FigureTally> GetWindowAsync(string tenant, string? model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var series = (await db.SetMembersAsync(QualityKeys.Series(tenant)).WaitAsync(cancellationToken))
            .Select(member => member.ToString())
            .Where(member => model is null || QualityKeys.ParseSeriesMember(member).Model == model)
            .ToArray();
        var window = new[] { new FigureTally() };
        var keys = new List<(int Bucket, RedisKey Key)>();
        for (var at = new DateTimeOffset(from.UtcDateTime.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero); at <= to; at = at.AddMinutes(1))
        {
            keys.AddRange(series.Select(member => (0, (RedisKey)QualityKeys.MinuteOfSeries(tenant, member, at))));
        }
        await ReadIntoAsync(db, keys, window, cancellationToken);
        return window[0];
    }

    private static async Task ReadIntoAsync(IDatabase db, List<(int Bucket, RedisKey Key)> keys, FigureTally[] buckets, CancellationToken cancellationToken)
    {
        var hashes = await Task.WhenAll(keys.Select(k => db.HashGetAllAsync(k.Key))).WaitAsync(cancellationToken);
        for (var i = 0; i < hashes.Length; i++)
        {
            if (hashes[i].Length > 0)
            {
                buckets[keys[i].Bucket].Add(FigureTally.From(hashes[i]));
            }
        }
    }
}

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
}

using AiAspire.Contracts.Quality;

namespace AiAspire.RouterService.Quality;

/// <summary>
/// The latest measured quality per deployment, per tenant and over all tenants, as the FeedbackWorker last published it
/// (<see cref="QualityScoreRefresher"/> loads it). Empty until then: the quality strategy ranks by tier.
/// </summary>
public sealed class QualityScoreBoard
{
    public const string TenantScope = "tenant";
    public const string GlobalScope = "all tenants";

    private volatile Scores _scores = new(null, new(StringComparer.OrdinalIgnoreCase), new(StringComparer.Ordinal));

    /// <summary>When the scores in use were computed; null before any were loaded.</summary>
    public DateTimeOffset? ComputedAt => _scores.ComputedAt;

    public void Load(RouterQualitySnapshot snapshot)
    {
        var global = snapshot.Global.ToDictionary(s => s.Model, StringComparer.OrdinalIgnoreCase);
        var tenants = snapshot.Tenants.ToDictionary(
            t => t.Key, t => t.Value.ToDictionary(s => s.Model, StringComparer.OrdinalIgnoreCase), StringComparer.Ordinal);
        _scores = new Scores(snapshot.ComputedAt, global, tenants);
    }

    /// <summary>
    /// The measured quality of <paramref name="deployment"/>: the tenant's own ratings when it has at least
    /// <paramref name="minRatings"/>, else every tenant's when they have; else the best evidence there is, below the bar.
    /// </summary>
    /// <returns>The quality and whether it has enough ratings to rank by; null when nobody has rated it.</returns>
    public (MeasuredQuality Quality, bool Sufficient)? Find(string? tenant, string deployment, int minRatings)
    {
        var scores = _scores;
        MeasuredQuality? own = null;
        if (tenant is not null && scores.Tenants.TryGetValue(tenant, out var mine) && mine.TryGetValue(deployment, out var t))
        {
            own = new MeasuredQuality(t.Score, t.Up, t.Down, TenantScope);
            if (own.Ratings >= minRatings)
            {
                return (own, true);
            }
        }
        if (scores.Global.TryGetValue(deployment, out var g))
        {
            var all = new MeasuredQuality(g.Score, g.Up, g.Down, GlobalScope);
            if (all.Ratings >= minRatings)
            {
                return (all, true);
            }
            return (own is not null && own.Ratings >= all.Ratings ? own : all, false);
        }
        return own is null ? null : (own, false);
    }

    private sealed record Scores(
        DateTimeOffset? ComputedAt,
        Dictionary<string, ModelQualityScore> Global,
        Dictionary<string, Dictionary<string, ModelQualityScore>> Tenants);
}

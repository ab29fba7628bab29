using System.Globalization;
using AiAspire.RouterService.Quality;
using AiAspire.RouterService.Routing;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Strategies;

/// <summary>
/// Best first. When every candidate has at least <see cref="RouterOptions.QualityMinRatings"/> user ratings (the
/// tenant's own, else all tenants'), by measured quality (the Wilson lower bound of the positive share; tier breaks
/// ties); otherwise by catalog tier, measured quality breaking ties within a tier — a deployment nobody has rated yet
/// is never judged against measured ones. Configured order among equals.
/// </summary>
public sealed class QualityStrategy(QualityScoreBoard scores, IOptionsMonitor<RouterOptions> options) : IRoutingStrategy
{
    public string Name => "quality";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context)
    {
        var minRatings = options.CurrentValue.QualityMinRatings;
        var measured = context.Candidates.Select(d => (Deployment: d, Found: scores.Find(context.Tenant, d.Name, minRatings))).ToList();

        if (measured.All(m => m.Found is { Sufficient: true }))
        {
            return
            [
                .. measured
                    .OrderByDescending(m => m.Found!.Value.Quality.Score)
                    .ThenByDescending(m => m.Deployment.Options.Tier)
                    .Select(m => new RankedDeployment(m.Deployment, Math.Round(m.Found!.Value.Quality.Score, 4),
                        "measured quality " + Describe(m.Found.Value.Quality))),
            ];
        }

        if (measured.All(m => m.Found is null))
        {
            return
            [
                .. measured
                    .OrderByDescending(m => m.Deployment.Options.Tier)
                    .Select(m => new RankedDeployment(m.Deployment, m.Deployment.Options.Tier,
                        string.Create(CultureInfo.InvariantCulture, $"tier {m.Deployment.Options.Tier}"))),
            ];
        }

        var unrated = measured.Where(m => m.Found is not { Sufficient: true }).Select(m => m.Deployment.Name).ToList();
        var why = string.Create(CultureInfo.InvariantCulture,
            $"measured quality unused: {string.Join(", ", unrated)} {(unrated.Count == 1 ? "has" : "have")} fewer than {minRatings} ratings");
        return
        [
            .. measured
                .OrderByDescending(m => m.Deployment.Options.Tier)
                .ThenByDescending(m => m.Found is { Sufficient: true } found ? found.Quality.Score : -1)
                .Select(m => new RankedDeployment(m.Deployment, m.Deployment.Options.Tier,
                    string.Create(CultureInfo.InvariantCulture, $"tier {m.Deployment.Options.Tier} ({why}; ") + Evidence(m.Found, minRatings) + ")")),
        ];
    }

    private static string Describe(MeasuredQuality quality) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{quality.Score:0.####}: Wilson lower bound of {quality.Up} up / {quality.Down} down from {quality.Scope} ratings");

    private static string Evidence((MeasuredQuality Quality, bool Sufficient)? found, int minRatings) => found switch
    {
        null => "no ratings yet",
        { Sufficient: true } f => "its measured quality " + Describe(f.Quality),
        { } f => string.Create(CultureInfo.InvariantCulture,
            $"{f.Quality.Ratings} of {minRatings} ratings needed ({f.Quality.Scope}), measured {f.Quality.Score:0.####} so far"),
    };
}

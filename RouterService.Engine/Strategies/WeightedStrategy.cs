using System.Globalization;

namespace AiAspire.RouterService.Strategies;

/// <summary>
/// Canary and A/B splits: the first choice is drawn by the route's weights; the others follow, heaviest first, as
/// fallbacks. With a user id the draw is a hash of route and user, so a user keeps landing on the same deployment.
/// </summary>
public sealed class WeightedStrategy(Random random) : IRoutingStrategy
{
    public WeightedStrategy() : this(Random.Shared)
    {
    }

    public string Name => "weighted";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context)
    {
        var weights = context.Route.Weights;
        var shares = context.Candidates
            .Select(d => (Deployment: d, Weight: weights.Count == 0 ? 1 : Math.Max(weights.GetValueOrDefault(d.Name), 0)))
            .ToList();
        var total = shares.Sum(s => s.Weight);
        if (total <= 0)
        {
            return [.. shares.Select(s => new RankedDeployment(s.Deployment, 0, "weight 0: configured order"))];
        }

        var user = context.Profile.User;
        var point = (user is null ? random.NextDouble() : StickyPoint(context.RouteName, user)) * total;
        var chosen = shares.Count - 1;
        var cumulative = 0d;
        for (var i = 0; i < shares.Count; i++)
        {
            cumulative += shares[i].Weight;
            if (point < cumulative && shares[i].Weight > 0)
            {
                chosen = i;
                break;
            }
        }

        var draw = user is null ? "random draw" : "sticky for this user";
        return
        [
            .. shares
                .Select((s, i) => new RankedDeployment(s.Deployment, Math.Round(s.Weight / total, 4),
                    string.Create(CultureInfo.InvariantCulture, $"{s.Weight / total:P1} share{(i == chosen ? $"; drawn ({draw})" : "")}")))
                .OrderByDescending(r => ReferenceEquals(r.Deployment, shares[chosen].Deployment))
                .ThenByDescending(r => r.Score),
        ];
    }

    /// <summary>A point in [0, 1) fixed by route and user.</summary>
    internal static double StickyPoint(string route, string user)
    {
        // FNV-1a over the UTF-16 code units, then a finalizer so that similar ids spread over the whole range.
        var hash = 14695981039346656037UL;
        foreach (var c in $"{route.Length}\n{route}{user}")
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}

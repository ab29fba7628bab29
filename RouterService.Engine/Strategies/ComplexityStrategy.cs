using System.Globalization;

namespace AiAspire.RouterService.Strategies;

/// <summary>
/// Easy prompts to the lowest tier, hard ones (complexity score at or above the threshold) to the highest; the cheaper
/// deployment first within a tier, and the other tiers follow in the same direction as fallbacks.
/// </summary>
public sealed class ComplexityStrategy : IRoutingStrategy
{
    public string Name => "complexity";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context)
    {
        var complexity = context.Profile.Complexity;
        var hard = complexity.IsHard(context.ComplexityThreshold);
        var verdict = string.Create(CultureInfo.InvariantCulture,
            $"{(hard ? "hard" : "easy")} prompt ({complexity.Score:0.###} {(hard ? ">=" : "<")} {context.ComplexityThreshold:0.###})");
        var ranked = context.Candidates
            .Select(d => new RankedDeployment(d, d.Options.Tier,
                $"tier {d.Options.Tier}; {verdict}: {(hard ? "strongest" : "cheapest")} tier first"));
        var ordered = hard ? ranked.OrderByDescending(r => r.Score) : ranked.OrderBy(r => r.Score);
        return [.. ordered.ThenBy(r => r.Deployment.Options.InputPricePer1M + r.Deployment.Options.OutputPricePer1M)];
    }
}

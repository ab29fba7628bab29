using System.Globalization;

namespace AiAspire.RouterService.Strategies;

/// <summary>Cheapest first: the estimated price of this request (prompt tokens and expected output) on each candidate.</summary>
public sealed class CostStrategy : IRoutingStrategy
{
    /// <summary>Output assumed when the request sets no maximum; it only weighs output price against input price.</summary>
    public const int AssumedOutputTokens = 500;

    public string Name => "cost";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context)
    {
        var prompt = context.Profile.EstimatedPromptTokens;
        return
        [
            .. context.Candidates
                .Select(d =>
                {
                    var output = d.OutputBudget(context.Profile.RequestedOutputTokens ?? AssumedOutputTokens);
                    var cost = (double)d.Cost(prompt, output);
                    return new RankedDeployment(d, cost,
                        string.Create(CultureInfo.InvariantCulture, $"estimated ${cost:0.######} for ~{prompt} prompt + {output} output tokens"));
                })
                .OrderBy(r => r.Score),
        ];
    }
}

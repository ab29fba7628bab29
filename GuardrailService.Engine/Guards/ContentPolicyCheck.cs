using System.Globalization;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Content;
using AiAspire.GuardrailService.Policy;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// The content policy applied to one text, the same way on input and output: each category the classifier scores is
/// checked against the tenant's action and threshold; a category the tenant allows is not reported.
/// </summary>
public sealed class ContentPolicyCheck(ContentClassifier content, GuardPolicy policy)
{
    /// <param name="subject">How a reason names the text ("Message 2", "The answer").</param>
    /// <param name="direction">input or output, for telemetry.</param>
    /// <returns>The scored checks; reasons for blocked categories are added to <paramref name="reasons"/>.</returns>
    public IEnumerable<GuardCheck> Check(string tenant, int index, string text, string subject, string direction, ICollection<string> reasons)
    {
        var checks = new List<GuardCheck>();
        foreach (var score in content.Classify(text))
        {
            var (action, threshold) = policy.ContentFor(tenant, score.Category);
            if (action == ContentAction.Allow)
            {
                continue;
            }
            var flagged = score.Score >= threshold;
            checks.Add(new GuardCheck(GuardCheckNames.ContentPrefix + score.Category, index, Math.Round(score.Score, 4), threshold, flagged, [score.Category]));
            if (!flagged)
            {
                continue;
            }
            GuardrailTelemetry.ContentFlagged.Add(1,
                new KeyValuePair<string, object?>(GuardrailTelemetry.CategoryTag, score.Category),
                new KeyValuePair<string, object?>(GuardrailTelemetry.ActionTag, action == ContentAction.Block ? "block" : "flag"),
                new KeyValuePair<string, object?>(GuardrailTelemetry.DirectionTag, direction));
            if (action == ContentAction.Block)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{subject} falls under the content category {score.Category}, which the tenant's policy blocks (score {score.Score:F2} ≥ {threshold:F2})."));
            }
        }
        return checks;
    }
}

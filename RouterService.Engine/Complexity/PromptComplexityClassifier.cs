using System.Globalization;
using System.Text.RegularExpressions;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Offline;

namespace AiAspire.RouterService.Complexity;

/// <summary>
/// Scores how hard a prompt is, 0 to 1, from features a person can check: length, code, math, reasoning words,
/// multi-step structure, question count and constraints. The last user message is scored: it is what the model must
/// do now; earlier turns and injected context only make prompts long, not hard.
/// </summary>
public sealed partial class PromptComplexityClassifier
{
    // Each pattern starts only at a word boundary, a line start or a literal, and no quantifier nests another: matching
    // stays linear in the (bounded) text whatever a caller sends. So no match timeout: on a loaded machine a wall-clock
    // timeout fires on tiny inputs too (seen at 200 ms), turning a busy moment into failed requests.
    // Weights sum to 1, so the score is the weighted mean of feature values in 0..1.
    private const double LengthWeight = 0.20;
    private const double CodeWeight = 0.20;
    private const double MathWeight = 0.15;
    private const double ReasoningWeight = 0.25;
    private const double MultiStepWeight = 0.10;
    private const double QuestionsWeight = 0.05;
    private const double ConstraintsWeight = 0.05;

    /// <summary>Tokens at which the length feature saturates.</summary>
    public const int LongPromptTokens = 400;

    /// <summary>Longest text scanned; the features saturate well before it, and it bounds the cost per request.</summary>
    public const int MaxScannedCharacters = 16_384;

    public ComplexityScore Classify(IReadOnlyList<RouterMessage> messages)
    {
        var text = messages.LastOrDefault(m => string.Equals(m?.Role, "user", StringComparison.OrdinalIgnoreCase))?.Content ?? "";
        var tokens = TokenEstimator.Estimate(text);
        if (text.Length > MaxScannedCharacters)
        {
            text = text[..MaxScannedCharacters];
        }

        var codeMarks = CodeMarks().Count(text);
        var mathMarks = MathMarks().Count(text);
        var reasoning = Distinct(ReasoningWords().Matches(text));
        var steps = MultiStepMarks().Count(text);
        var questions = text.Count(c => c == '?');
        var constraints = Distinct(ConstraintWords().Matches(text));

        ComplexityFeature[] features =
        [
            Feature("length", Math.Min(tokens / (double)LongPromptTokens, 1), LengthWeight, $"~{tokens} tokens (saturates at {LongPromptTokens})"),
            Feature("code", text.Contains("```", StringComparison.Ordinal) ? 1 : Saturate(codeMarks, 3), CodeWeight, $"{codeMarks} code marks"),
            Feature("math", Saturate(mathMarks, 3), MathWeight, $"{mathMarks} math marks"),
            Feature("reasoning", Saturate(reasoning.Count, 3), ReasoningWeight, Listed("reasoning words", reasoning)),
            Feature("multi-step", Saturate(steps, 3), MultiStepWeight, $"{steps} step markers"),
            Feature("questions", Saturate(Math.Max(questions - 1, 0), 3), QuestionsWeight, $"{questions} question marks"),
            Feature("constraints", Saturate(constraints.Count, 3), ConstraintsWeight, Listed("constraint words", constraints)),
        ];
        return new ComplexityScore(Math.Round(features.Sum(f => f.Contribution), 4), features);
    }

    private static ComplexityFeature Feature(string name, double value, double weight, string detail) =>
        new(name, Math.Round(value, 4), weight, Math.Round(value * weight, 4), detail);

    private static double Saturate(int count, int at) => Math.Min(count / (double)at, 1);

    private static List<string> Distinct(MatchCollection matches) =>
        [.. matches.Select(m => m.Value.ToLower(CultureInfo.InvariantCulture)).Distinct(StringComparer.Ordinal)];

    private static string Listed(string what, List<string> words) =>
        words.Count == 0 ? $"no {what}" : $"{words.Count} {what}: {string.Join(", ", words)}";

    [GeneratedRegex(@"```|\b(def|class|function|return|public|private|static|import|#include|SELECT|var|const|let)\b|=>|[{};][ \t]*$|\b\w+\([^)\n]{0,200}\)[ \t]*[{;:]", RegexOptions.Multiline)]
    private static partial Regex CodeMarks();

    [GeneratedRegex(@"\b\d+(\.\d+)?[ \t]*[-+*/^=<>][ \t]*\d+|[∑∫√π≤≥≠]|\\(frac|sum|int|sqrt)\b|\b(equation|integral|derivative|theorem|prove|proof|probability|matrix|eigen\w*|polynomial|logarithm|variance|solve for)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MathMarks();

    [GeneratedRegex(@"\b(why|explain|analy[sz]e|compare|contrast|trade-?offs?|evaluate|justify|derive|design|architect\w*|optimi[sz]e|reason(ing)?|implications?|pros and cons|critique|debug|diagnose|plan)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReasoningWords();

    [GeneratedRegex(@"^[ \t]*(\d+[.)]|[-*•])[ \t]+|\b(step by step|first(ly)?|then|next|finally|afterwards|after that)\b", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex MultiStepMarks();

    [GeneratedRegex(@"\b(must|must not|without|at least|at most|exactly|ensure|only|no more than|within)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ConstraintWords();
}

using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Pii;

/// <summary>Runs every registered recognizer over a text and returns non-overlapping findings in text order.</summary>
public sealed class PiiAnalyzer(IEnumerable<IPiiRecognizer> recognizers, IOptionsMonitor<PiiOptions> options)
{
    private readonly (IPiiRecognizer Recognizer, FrozenSet<string> Context)[] _recognizers =
        recognizers.Select(r => (r, ContextWords.ToSet(r.ContextWords))).ToArray();

    /// <summary>The finding types of every registered recognizer.</summary>
    public IReadOnlyCollection<string> SupportedTypes => _recognizers.SelectMany(r => r.Recognizer.SupportedTypes).Distinct().ToArray();

    /// <exception cref="PiiAnalysisTimeoutException">A recognizer could not finish on this text.</exception>
    public IReadOnlyList<PiiFinding> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var minScore = options.CurrentValue.MinScore;
        var candidates = new List<PiiFinding>();
        foreach (var (recognizer, context) in _recognizers)
        {
            try
            {
                foreach (var finding in recognizer.Recognize(text))
                {
                    var scored = finding.Score < 1 && ContextWords.Near(text, finding.Start, finding.End, context)
                        ? finding with { Score = Math.Min(1, finding.Score + ContextWords.Boost) }
                        : finding;
                    if (scored.Score >= minScore)
                    {
                        candidates.Add(scored);
                    }
                }
            }
            catch (RegexMatchTimeoutException ex)
            {
                throw new PiiAnalysisTimeoutException(recognizer.GetType().Name, ex);
            }
        }
        return ResolveOverlaps(candidates);
    }

    /// <summary>
    /// Greedy by confidence: the highest score wins a contested span, then the longer finding (an email
    /// whose local part is a card number is an email), then the earlier one.
    /// </summary>
    internal static IReadOnlyList<PiiFinding> ResolveOverlaps(List<PiiFinding> candidates)
    {
        if (candidates.Count <= 1)
        {
            return candidates;
        }

        candidates.Sort(static (a, b) =>
            b.Score.CompareTo(a.Score) is not 0 and var byScore ? byScore
            : b.Length.CompareTo(a.Length) is not 0 and var byLength ? byLength
            : a.Start.CompareTo(b.Start));

        var accepted = new List<PiiFinding>(candidates.Count);
        foreach (var candidate in candidates)
        {
            // accepted stays sorted by start and free of overlaps, so only the neighbours can collide.
            var index = accepted.BinarySearch(candidate, StartComparer.Instance);
            if (index < 0)
            {
                index = ~index;
            }
            else
            {
                continue;
            }
            if (index > 0 && accepted[index - 1].Overlaps(candidate))
            {
                continue;
            }
            if (index < accepted.Count && accepted[index].Overlaps(candidate))
            {
                continue;
            }
            accepted.Insert(index, candidate);
        }
        return accepted;
    }

    private sealed class StartComparer : IComparer<PiiFinding>
    {
        public static readonly StartComparer Instance = new();

        public int Compare(PiiFinding x, PiiFinding y) => x.Start.CompareTo(y.Start);
    }
}

using System.Text;
using System.Text.RegularExpressions;
using AiAspire.Contracts.Router;

namespace AiAspire.RouterService.Offline;

/// <summary>
/// Picks the sentences of the passages that best answer a question: terms shared with the question, weighted by
/// how rare they are among the candidate sentences (IDF), normalised by sentence length, nudged by passage rank.
/// </summary>
public static partial class ExtractiveAnswerer
{
    private const int MaxSentences = 3;
    private const double CompanionRatio = 0.6;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "if", "then", "of", "to", "in", "on", "at", "by", "for", "with", "from",
        "as", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "doing", "have", "has", "had",
        "i", "me", "my", "we", "our", "you", "your", "he", "she", "it", "its", "they", "them", "their", "this", "that",
        "these", "those", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "can", "could",
        "should", "would", "will", "shall", "may", "might", "must", "about", "into", "than", "so", "not", "no", "any",
        "all", "some", "there", "here", "please", "tell", "much", "many", "get", "us",
    };

    /// <returns>The answer with citations and a source list, or null when no sentence shares a term with the question.</returns>
    public static string? Answer(string question, IReadOnlyList<ContextPassage> passages)
    {
        var questionTerms = Terms(question).ToHashSet(StringComparer.Ordinal);
        if (questionTerms.Count == 0)
        {
            return null;
        }

        var sentences = new List<Candidate>();
        for (var rank = 0; rank < passages.Count; rank++)
        {
            var position = 0;
            foreach (var sentence in Sentences(passages[rank].Text))
            {
                sentences.Add(new Candidate(passages[rank], rank, position++, sentence, [.. Terms(sentence)]));
            }
        }

        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in sentences.SelectMany(s => s.Terms.Distinct()))
        {
            documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
        }

        var scored = sentences
            .Select(s => (Candidate: s, Score: Score(s, questionTerms, documentFrequency, sentences.Count)))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .ToList();
        if (scored.Count == 0)
        {
            return null;
        }

        var best = scored[0].Score;
        var chosen = scored
            .TakeWhile((s, i) => i < MaxSentences && s.Score >= best * CompanionRatio)
            .Select(s => s.Candidate)
            .OrderBy(s => s.Rank).ThenBy(s => s.Position)
            .ToList();

        var answer = new StringBuilder();
        foreach (var sentence in chosen)
        {
            if (answer.Length > 0)
            {
                answer.Append(' ');
            }
            answer.Append(sentence.Text.TrimEnd()).Append(" [").Append(sentence.Passage.Number).Append(']');
        }

        answer.Append("\n\nSources:");
        foreach (var passage in chosen.Select(s => s.Passage).DistinctBy(p => p.Number).OrderBy(p => p.Number))
        {
            answer.Append("\n[").Append(passage.Number).Append("] ").Append(passage.Source);
        }
        return answer.ToString();
    }

    private static double Score(Candidate sentence, HashSet<string> questionTerms, Dictionary<string, int> documentFrequency, int sentenceCount)
    {
        var overlap = 0.0;
        foreach (var term in sentence.Terms.Distinct())
        {
            if (questionTerms.Contains(term))
            {
                overlap += Math.Log(1.0 + (double)sentenceCount / documentFrequency[term]);
            }
        }
        if (overlap == 0)
        {
            return 0;
        }
        var lengthNorm = 1.0 + Math.Log(1.0 + sentence.Terms.Length);
        var rankBonus = 1.0 + 0.15 / (1 + sentence.Rank);
        return overlap / lengthNorm * rankBonus;
    }

    internal static IEnumerable<string> Sentences(string text)
    {
        foreach (var line in Lines(text))
        {
            foreach (var sentence in SentenceBoundary().Split(line))
            {
                if (sentence.Length > 1)
                {
                    yield return sentence.Trim();
                }
            }
        }
    }

    /// <summary>
    /// The text's lines, headings left out and hard-wrapped sentences rejoined: a line continues the one before when
    /// that one has no closing punctuation and this one starts in lower case (list items and new sentences do not).
    /// </summary>
    private static IEnumerable<string> Lines(string text)
    {
        string? pending = null;
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (pending is not null && line.Length > 0 && char.IsLower(line[0]) && !".!?:".Contains(pending[^1]))
            {
                pending += " " + line;
                continue;
            }
            if (pending is not null)
            {
                yield return pending;
            }
            // a heading names the topic; it is not an answer
            pending = line.Length == 0 || line.StartsWith('#') ? null : line;
        }
        if (pending is not null)
        {
            yield return pending;
        }
    }

    internal static IEnumerable<string> Terms(string text)
    {
        foreach (Match match in Word().Matches(text.ToLowerInvariant()))
        {
            var word = match.Value;
            if (!StopWords.Contains(word))
            {
                yield return Stem(word);
            }
        }
    }

    /// <summary>Folds common English inflections so "refunds", "refunded" and "refund" meet.</summary>
    internal static string Stem(string word)
    {
        if (word.Length <= 3 || char.IsDigit(word[0]))
        {
            return word;
        }
        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3
                && !(suffix == "s" && word.EndsWith("ss", StringComparison.Ordinal)))
            {
                return word[..^suffix.Length];
            }
        }
        return word;
    }

    private sealed record Candidate(ContextPassage Passage, int Rank, int Position, string Text, string[] Terms);

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[\p{Lu}\d""'(\[])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SentenceBoundary();

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Word();
}

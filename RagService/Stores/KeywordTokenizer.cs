using System.Collections.Frozen;
using System.Text;

namespace AiAspire.RagService.Stores;

/// <summary>
/// Terms for BM25: letters and digits lower-cased (invariant), English stop words dropped and plurals folded by the
/// S-stemmer (Harman 1991), so "vaccines" matches "vaccine" without a full stemmer's surprises.
/// </summary>
public static class KeywordTokenizer
{
    /// <summary>Longer runs are cut: no real term is this long, and it bounds the work per token.</summary>
    public const int MaxTermLength = 64;

    private static readonly FrozenSet<string> StopWords = FrozenSet.Create(StringComparer.Ordinal,
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for", "from",
        "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on", "or",
        "our", "so", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your");

    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        var term = new StringBuilder(MaxTermLength);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                if (term.Length < MaxTermLength)
                {
                    term.Append(Rune.ToLowerInvariant(rune).ToString());
                }
                continue;
            }
            Flush(term, terms);
        }
        Flush(term, terms);
        return terms;
    }

    private static void Flush(StringBuilder term, List<string> terms)
    {
        if (term.Length == 0)
        {
            return;
        }
        var word = term.ToString();
        term.Clear();
        if (!StopWords.Contains(word))
        {
            terms.Add(Stem(word));
        }
    }

    internal static string Stem(string word)
    {
        // Four letters and fewer are left alone: acronyms such as SARS or MERS are not plurals.
        if (word.Length <= 4 || !word.EndsWith('s') || char.IsDigit(word[^2]))
        {
            return word;
        }
        if (word.EndsWith("ies", StringComparison.Ordinal) && !word.EndsWith("eies", StringComparison.Ordinal) && !word.EndsWith("aies", StringComparison.Ordinal))
        {
            return string.Concat(word.AsSpan(0, word.Length - 3), "y");
        }
        if (word.EndsWith("es", StringComparison.Ordinal) && !word.EndsWith("aes", StringComparison.Ordinal)
            && !word.EndsWith("ees", StringComparison.Ordinal) && !word.EndsWith("oes", StringComparison.Ordinal))
        {
            return word[..^1];
        }
        if (!word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal))
        {
            return word[..^1];
        }
        return word;
    }
}

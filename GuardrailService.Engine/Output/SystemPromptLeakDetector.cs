namespace AiAspire.GuardrailService.Output;

/// <summary>
/// Finds the longest run of consecutive words an answer shares with its system prompt (case and punctuation
/// ignored), by hashing word shingles of the prompt and walking the answer's. A run of
/// <see cref="SystemPromptLeakOptions.MinWords"/> words, or most of a shorter prompt (at least
/// <see cref="MinWordsForShare"/> words), is a leak.
/// </summary>
public sealed class SystemPromptLeakDetector
{
    private const int ShingleWords = 4;

    /// <summary>The share rule applies from this many repeated words ("You are a helpful assistant" is no secret).</summary>
    public const int MinWordsForShare = 8;

    /// <summary>Longest shared run, in words, and that run as a share of the prompt's words.</summary>
    public (int Words, double Share) LongestSharedRun(string systemPrompt, string answer)
    {
        var prompt = Words(systemPrompt);
        var output = Words(answer);
        if (prompt.Count < ShingleWords || output.Count < ShingleWords)
        {
            return (0, 0);
        }
        var shingles = new HashSet<long>();
        for (var i = 0; i + ShingleWords <= prompt.Count; i++)
        {
            shingles.Add(Shingle(prompt, i));
        }

        var longest = 0;
        var run = 0;
        for (var i = 0; i + ShingleWords <= output.Count; i++)
        {
            run = shingles.Contains(Shingle(output, i)) ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        var words = longest == 0 ? 0 : longest + ShingleWords - 1;
        return (words, Math.Min(1, (double)words / prompt.Count));
    }

    /// <summary>
    /// The last <paramref name="words"/> words of <paramref name="text"/> (a word cut at the end counts as one) and what
    /// follows them, at most <paramref name="maxCharacters"/> characters: what a stream keeps for its next window.
    /// </summary>
    public static string Tail(string text, int words, int maxCharacters)
    {
        var start = text.Length;
        var seen = 0;
        var i = text.Length;
        while (i > 0 && seen < words)
        {
            while (i > 0 && !char.IsLetterOrDigit(text[i - 1]))
            {
                i--;
            }
            var end = i;
            while (i > 0 && char.IsLetterOrDigit(text[i - 1]))
            {
                i--;
            }
            if (i < end)
            {
                seen++;
                start = i;
            }
        }
        return text.Length - start > maxCharacters ? text[^maxCharacters..] : text[start..];
    }

    private static long Shingle(List<int> words, int start)
    {
        var hash = new HashCode();
        for (var i = start; i < start + ShingleWords; i++)
        {
            hash.Add(words[i]);
        }
        return ((long)hash.ToHashCode() << 8) ^ words[start];
    }

    /// <summary>Each word as the hash of its lower-cased letters and digits; the list is bounded by the text's length.</summary>
    private static List<int> Words(string text)
    {
        var words = new List<int>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i]))
            {
                i++;
            }
            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i]))
            {
                i++;
            }
            if (i > start)
            {
                words.Add(string.GetHashCode(text.AsSpan(start, i - start), StringComparison.OrdinalIgnoreCase));
            }
        }
        return words;
    }
}

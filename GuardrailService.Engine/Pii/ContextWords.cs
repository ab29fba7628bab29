using System.Collections.Frozen;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Context around a finding, as Presidio's context enhancer does it: a word from the recognizer's list among the
/// few words before (or just after) the finding raises its score. Words are compared case-insensitively, whole.
/// </summary>
public static class ContextWords
{
    /// <summary>Added to a finding's score when a context word is near it (Presidio's similarity factor).</summary>
    public const double Boost = 0.35;

    /// <summary>Characters looked at before a finding: about six words.</summary>
    public const int WindowBefore = 48;

    /// <summary>Characters looked at after a finding: "… 555-0132 (mobile)".</summary>
    public const int WindowAfter = 16;

    public static FrozenSet<string> ToSet(IEnumerable<string> words) => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when a word of <paramref name="words"/> occurs in <paramref name="text"/>[start, end).</summary>
    public static bool AnyIn(string text, int start, int end, FrozenSet<string> words)
    {
        if (words.Count == 0)
        {
            return false;
        }
        start = Math.Max(0, start);
        end = Math.Min(text.Length, end);
        // A window edge inside a word would turn "telephone" into "phone": skip the cut word, finish the last one.
        while (start > 0 && start < end && char.IsLetter(text[start - 1]) && char.IsLetter(text[start]))
        {
            start++;
        }
        while (end < text.Length && end > start && char.IsLetter(text[end - 1]) && char.IsLetter(text[end]) && end - start < WindowBefore * 2)
        {
            end++;
        }
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        var i = start;
        while (i < end)
        {
            while (i < end && !char.IsLetter(text[i]))
            {
                i++;
            }
            var wordStart = i;
            while (i < end && (char.IsLetter(text[i]) || text[i] == '.'))
            {
                i++;
            }
            var word = text.AsSpan(wordStart, i - wordStart).TrimEnd('.');
            if (word.Length > 0 && lookup.Contains(word))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when a context word is in the window around the span [start, end).</summary>
    public static bool Near(string text, int start, int end, FrozenSet<string> words) =>
        AnyIn(text, start - WindowBefore, start, words) || AnyIn(text, end, end + WindowAfter, words);
}

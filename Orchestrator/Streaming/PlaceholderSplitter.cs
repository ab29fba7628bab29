using System.Text.RegularExpressions;

namespace AiAspire.Orchestrator.Streaming;

/// <summary>
/// Decides how much of a streamed text can be released without cutting a masking placeholder
/// (<c>&lt;EMAIL_1&gt;</c>) in two: a trailing <c>&lt;</c> followed only by placeholder characters is held back.
/// </summary>
public static partial class PlaceholderSplitter
{
    /// <summary>Longest placeholder the guardrails produce, with room to spare.</summary>
    public const int MaxPlaceholderLength = 48;

    /// <returns>How many leading characters of <paramref name="pending"/> are safe to release now.</returns>
    public static int SafeLength(ReadOnlySpan<char> pending)
    {
        var open = pending.LastIndexOf('<');
        if (open < 0 || pending.Length - open > MaxPlaceholderLength)
        {
            return pending.Length;
        }
        foreach (var c in pending[(open + 1)..])
        {
            if (!(char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return pending.Length; // '>' or anything else: not an unfinished placeholder
            }
        }
        return open;
    }

    /// <summary>True when <paramref name="text"/> holds something shaped like a placeholder, so unmasking may change it.</summary>
    public static bool MayHoldPlaceholder(string text) => text.Contains('<') && Placeholder().IsMatch(text);

    [GeneratedRegex(@"<[A-Z][A-Z0-9_]*_\d+>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Placeholder();
}

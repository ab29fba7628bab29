using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Payment card numbers: 13–19 digits, either unbroken or in groups of 3–6 joined by one space or one dash
/// (the same separator throughout), passing the Luhn check. A Luhn-invalid number never matches; a number
/// whose prefix and length fit a known network scores high, any other scores low, below the default threshold
/// (13-digit Unix millisecond timestamps, order and tracking numbers pass Luhn one time in ten).
/// </summary>
public sealed partial class CreditCardRecognizer : IPiiRecognizer
{
    public const double KnownNetworkScore = 0.9;
    public const double UnknownNetworkScore = 0.3;

    private const int MinDigits = 13;
    private const int MaxDigits = 19;
    private const int MinGroup = 3;
    private const int MaxGroup = 6;

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.CreditCard];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        var groups = new List<(int Start, int End)>();
        for (var chain = DigitChain().Match(text); chain.Success; chain = chain.NextMatch())
        {
            if (ContinuesAlphanumericToken(text, chain.Index))
            {
                continue;
            }
            groups.Clear();
            foreach (Capture capture in chain.Groups["digits"].Captures)
            {
                groups.Add((capture.Index, capture.Index + capture.Length));
            }
            var end = chain.Index + chain.Length;
            // A last group glued to a word or a decimal point ("1111abc", "1111.5") is not part of a card number.
            if (end < text.Length && (IsWordChar(text[end]) || (text[end] == '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))))
            {
                groups.RemoveAt(groups.Count - 1);
            }
            FindCards(text, groups, findings);
        }
        return findings;
    }

    /// <summary>Left to right over the groups of one chain: at each group take the best card starting there.</summary>
    private static void FindCards(string text, List<(int Start, int End)> groups, List<PiiFinding> findings)
    {
        Span<char> digits = stackalloc char[MaxDigits];
        var i = 0;
        while (i < groups.Count)
        {
            PiiFinding? best = null;
            var bestLast = i;
            var count = 0;
            char separator = default;
            for (var j = i; j < groups.Count; j++)
            {
                var (start, end) = groups[j];
                var length = end - start;
                if (j > i)
                {
                    var gap = text[groups[j - 1].End];
                    if ((separator != default && gap != separator) || !IsGroupLength(length) || !IsGroupLength(groups[i].End - groups[i].Start))
                    {
                        break;
                    }
                    separator = gap;
                }
                if (count + length > MaxDigits)
                {
                    break;
                }
                text.AsSpan(start, length).CopyTo(digits[count..]);
                count += length;
                if (count >= MinDigits && Luhn.IsValid(digits[..count]))
                {
                    var candidate = new PiiFinding(PiiTypes.CreditCard, groups[i].Start, end, ScoreOf(digits[..count]));
                    if (best is null || candidate.Score >= best.Value.Score)
                    {
                        best = candidate;
                        bestLast = j;
                    }
                }
            }
            if (best is { } card)
            {
                findings.Add(card);
                i = bestLast + 1;
            }
            else
            {
                i++;
            }
        }
    }

    internal static double ScoreOf(ReadOnlySpan<char> digits)
    {
        foreach (var network in CardNetwork.Known)
        {
            if (network.MatchesPrefix(digits) && network.IssuesLength(digits.Length))
            {
                return KnownNetworkScore;
            }
        }
        return UnknownNetworkScore;
    }

    /// <summary>
    /// "RS35 2600 0560 1001 6113 79", "DE89 3704 0044 …": digit groups after a token mixing letters and digits are
    /// the rest of that identifier (an IBAN, a reference), and a 16-digit stretch of one passes Luhn one time in ten.
    /// </summary>
    private static bool ContinuesAlphanumericToken(string text, int chainStart)
    {
        var i = chainStart - 1;
        if (i < 1 || text[i] is not (' ' or '-'))
        {
            return false;
        }
        bool letter = false, digit = false;
        for (i--; i >= 0 && char.IsLetterOrDigit(text[i]); i--)
        {
            letter |= char.IsLetter(text[i]);
            digit |= char.IsDigit(text[i]);
        }
        return letter && digit;
    }

    private static bool IsGroupLength(int length) => length is >= MinGroup and <= MaxGroup;

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    // Runs of ASCII digit groups joined by single spaces or dashes; each run is then split into cards in code.
    // Never starts inside a word or after a decimal point. Every repetition begins with a separator, so the
    // pattern cannot backtrack into itself.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_]|[0-9]\.)(?<digits>[0-9]+)(?:[ \-](?<digits>[0-9]+))*",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex DigitChain();
}

using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// US Social Security numbers (SSA's validity rules): area 001–899 except 666, group 01–99, serial 0001–9999, and
/// none of the numbers the SSA voided after they were printed in advertising. Written 3-2-4 with one separator used
/// twice it scores above the default threshold; nine bare digits need a context word ("ssn", "social security").
/// </summary>
public sealed partial class UsSsnRecognizer : IPiiRecognizer
{
    public const double FormattedScore = 0.65;
    public const double BareDigitsScore = 0.3;
    public const double MixedSeparatorsScore = 0.1;

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.UsSsn];

    public IReadOnlyCollection<string> ContextWords { get; } = ["ssn", "ssns", "ssa", "social", "security", "ss#", "ssid"];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        for (var match = Ssn().Match(text); match.Success; match = match.NextMatch())
        {
            var area = match.Groups["area"].ValueSpan;
            var group = match.Groups["group"].ValueSpan;
            var serial = match.Groups["serial"].ValueSpan;
            var first = match.Groups["first"].ValueSpan;
            var second = match.Groups["second"].ValueSpan;
            if (!IsValid(area, group, serial))
            {
                continue;
            }
            double score;
            if (first.Length == 1 && second.Length == 1)
            {
                if (first[0] != second[0])
                {
                    continue;
                }
                score = FormattedScore;
            }
            else
            {
                score = first.Length + second.Length == 0 ? BareDigitsScore : MixedSeparatorsScore;
            }
            findings.Add(new PiiFinding(PiiTypes.UsSsn, match.Index, match.Index + match.Length, score));
        }
        return findings;
    }

    internal static bool IsValid(ReadOnlySpan<char> area, ReadOnlySpan<char> group, ReadOnlySpan<char> serial)
    {
        if (area is "000" or "666" || area[0] == '9' || group is "00" || serial is "0000")
        {
            return false;
        }
        Span<char> digits = stackalloc char[9];
        area.CopyTo(digits);
        group.CopyTo(digits[3..]);
        serial.CopyTo(digits[5..]);
        // All one digit, the ascending run, and the numbers voided after appearing on sample cards and in ads.
        return !(digits.IndexOfAnyExcept(digits[0]) < 0
            || digits is "123456789" || digits is "078051120" || digits is "219099999" || digits is "457555462");
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_.\-])(?<area>[0-9]{3})(?<first>[\- .]?)(?<group>[0-9]{2})(?<second>[\- .]?)(?<serial>[0-9]{4})(?![\p{L}\p{N}_]|[.\-][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Ssn();
}

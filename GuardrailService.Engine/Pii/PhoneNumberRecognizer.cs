using System.Text.RegularExpressions;
using PhoneNumbers;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Phone numbers as libphonenumber finds them with leniency VALID (a number that is valid for its region, not merely
/// possible), tried for each region of <see cref="Regions"/>; numbers written with a <c>+</c> country code are found
/// whatever the region. International numbers and numbers grouped as their region writes them score above the default
/// threshold; other groupings and bare runs of digits only with a context word ("phone", "call", …) nearby: order numbers and timestamps are valid numbers too often.
/// </summary>
public sealed partial class PhoneNumberRecognizer : IPiiRecognizer
{
    public const double InternationalScore = 0.75;
    public const double FormattedScore = 0.6;
    public const double LooseScore = 0.45;
    public const double BareDigitsScore = 0.4;

    /// <summary>Presidio's default regions plus the largest others; each one is a scan, so the list stays short.</summary>
    public static IReadOnlyList<string> Regions { get; } = ["US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "JP", "CN", "AU"];

    private const int MinDigits = 7;
    // Each try is one candidate; a text cannot hold more candidates than characters, so this bound never cuts a scan short.
    private static long MaxTries(string text) => Math.Max(1_000, text.Length);

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.Phone];

    public IReadOnlyCollection<string> ContextWords { get; } =
        ["phone", "telephone", "tel", "mobile", "cell", "cellphone", "call", "number", "contact", "fax", "whatsapp", "sms", "dial", "reach"];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        if (!HasEnoughDigits(text))
        {
            return [];
        }
        var spans = new Dictionary<(int Start, int End), double>();
        foreach (var region in Regions)
        {
            foreach (var match in Util.FindNumbers(text, region, PhoneNumberUtil.Leniency.VALID, MaxTries(text)))
            {
                if (DottedQuad().IsMatch(match.RawString))
                {
                    continue;
                }
                var key = (match.Start, match.Start + match.Length);
                spans.TryAdd(key, ScoreOf(match.RawString, match.Number));
            }
        }
        return NonOverlapping(spans);
    }

    /// <summary>
    /// A national number grouped the way its region writes numbers ("(415) 555-0132") is a phone number; the same digits
    /// grouped otherwise ("046 454 286", "556703-7485") are more often an id that happens to be a valid number.
    /// </summary>
    internal static double ScoreOf(string raw, PhoneNumber number)
    {
        if (raw.StartsWith('+'))
        {
            return InternationalScore;
        }
        if (!raw.Any(static c => c is ' ' or '-' or '.' or '(' or ')' or '/'))
        {
            return BareDigitsScore;
        }
        var national = Util.Format(number, PhoneNumberFormat.NATIONAL);
        return DigitGroups(raw).SequenceEqual(DigitGroups(national)) ? FormattedScore : LooseScore;
    }

    private static IEnumerable<int> DigitGroups(string text)
    {
        var run = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                run++;
            }
            else if (run > 0)
            {
                yield return run;
                run = 0;
            }
        }
        if (run > 0)
        {
            yield return run;
        }
    }

    /// <summary>Regions disagree on where a number starts ("91-415-555-0132"): keep the longest reading of each stretch.</summary>
    private static List<PiiFinding> NonOverlapping(Dictionary<(int Start, int End), double> spans)
    {
        var kept = new List<PiiFinding>();
        foreach (var ((start, end), score) in spans.OrderByDescending(s => s.Key.End - s.Key.Start).ThenBy(s => s.Key.Start))
        {
            var finding = new PiiFinding(PiiTypes.Phone, start, end, score);
            if (!kept.Any(k => k.Overlaps(finding)))
            {
                kept.Add(finding);
            }
        }
        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }

    private static bool HasEnoughDigits(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && ++digits >= MinDigits)
            {
                return true;
            }
        }
        return false;
    }

    // "169.254.1.1" and "192.168.1.0/24" are valid numbers in some regions; written as a dotted quad they are addresses.
    [GeneratedRegex(@"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:/[0-9]{1,3})?$", RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex DottedQuad();
}

using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Dates of birth: a calendar date (ISO, numeric day/month/year in either order, or with an English month name) that
/// a birth word ("born", "DOB", "birthday", "date of birth", "geboren", "né") precedes within a few words. A date
/// without such a word is an appointment or a deadline, not personal data, so it is not reported at all.
/// </summary>
public sealed partial class DateOfBirthRecognizer : IPiiRecognizer
{
    public const double MatchScore = 0.85;

    private const int MinYear = 1900;

    private static readonly FrozenSet<string> BirthWords = ContextWords.ToSet(
        ["born", "birth", "birthday", "birthdate", "dob", "d.o.b", "geboren", "geburtsdatum", "né", "née", "naissance", "nacimiento", "nato", "nata"]);

    private static readonly FrozenDictionary<string, int> Months = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["jan"] = 1, ["january"] = 1, ["feb"] = 2, ["february"] = 2, ["mar"] = 3, ["march"] = 3, ["apr"] = 4, ["april"] = 4,
        ["may"] = 5, ["jun"] = 6, ["june"] = 6, ["jul"] = 7, ["july"] = 7, ["aug"] = 8, ["august"] = 8, ["sep"] = 9,
        ["sept"] = 9, ["september"] = 9, ["oct"] = 10, ["october"] = 10, ["nov"] = 11, ["november"] = 11, ["dec"] = 12,
        ["december"] = 12,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.DateOfBirth];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        for (var match = Date().Match(text); match.Success; match = match.NextMatch())
        {
            if (IsPlausibleDate(match) && ContextWords.AnyIn(text, match.Index - ContextWords.WindowBefore, match.Index, BirthWords))
            {
                findings.Add(new PiiFinding(PiiTypes.DateOfBirth, match.Index, match.Index + match.Length, MatchScore));
            }
        }
        return findings;
    }

    private static bool IsPlausibleDate(Match match)
    {
        var year = Number(match.Groups["year"]);
        if (match.Groups["year"].Length == 2)
        {
            year += 1900;
        }
        if (year < MinYear || year > DateTime.UtcNow.Year)
        {
            return false;
        }
        var day = Number(match.Groups["day"]);
        int month;
        if (match.Groups["monthName"].Success)
        {
            var name = match.Groups["monthName"].Value.TrimEnd('.');
            if (!Months.TryGetValue(name, out month))
            {
                return false;
            }
        }
        else
        {
            month = Number(match.Groups["month"]);
            // Numeric dates are day-first in most of the world and month-first in the US: accept either reading.
            if (month > 12 && day <= 12 && !match.Groups["iso"].Success)
            {
                (day, month) = (month, day);
            }
        }
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static int Number(Group group) =>
        group.Success && int.TryParse(group.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    [GeneratedRegex("""
        (?<![\p{L}\p{N}])(?:
          (?<iso>(?<year>(?:19|20)[0-9]{2})-(?<month>[0-9]{1,2})-(?<day>[0-9]{1,2}))
        | (?<day>[0-9]{1,2})[./\-](?<month>[0-9]{1,2})[./\-](?<year>(?:19|20)?[0-9]{2})
        | (?<day>[0-9]{1,2})(?:st|nd|rd|th)?\ (?:of\ )?(?<monthName>\p{L}{3,9}\.?),?\ (?<year>(?:19|20)[0-9]{2})
        | (?<monthName>\p{L}{3,9}\.?)\ (?<day>[0-9]{1,2})(?:st|nd|rd|th)?,?\ (?<year>(?:19|20)[0-9]{2})
        )(?![\p{L}\p{N}])
        """, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.IgnorePatternWhitespace,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Date();
}

using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Person names without a language model, from three cues in falling order of confidence: an introduction
/// ("my name is Ada Lovelace", "Name: …", "call me …"), a title ("Dr. Grace Hopper", "Mrs Smith"), and a known given
/// name (<see cref="FirstNames"/>) followed by a capitalised surname. A known given name alone scores below the
/// default threshold unless a context word ("name", "customer", "patient", "dear", …) is near it. The span covers
/// the name only, so "Dr. &lt;PERSON_1&gt;" keeps the title.
/// </summary>
public sealed partial class PersonNameRecognizer : IPiiRecognizer
{
    public const double IntroducedScore = 0.85;
    public const double TitledScore = 0.8;
    public const double GreetingScore = 0.75;
    public const double FullNameScore = 0.6;
    public const double GivenNameScore = 0.4;

    // Capitalised words that follow a given name without being a surname ("Thank you, Maria. The …" is not "Maria The").
    private static readonly FrozenSet<string> NotSurnames = new[]
    {
        "I", "The", "A", "An", "And", "Or", "But", "If", "In", "On", "At", "To", "Of", "For", "From", "With", "By", "Is",
        "Was", "Are", "Be", "It", "He", "She", "We", "They", "You", "My", "His", "Her", "Our", "Their", "This", "That",
        "Street", "Road", "Avenue", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
        "Hi", "Hello", "Dear", "Thanks", "Thank", "Please", "Yes", "No", "Inc", "Ltd", "LLC", "Corp", "University",
    }.ToFrozenSet(StringComparer.Ordinal);

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.Person];

    public IReadOnlyCollection<string> ContextWords { get; } =
        ["name", "named", "called", "customer", "patient", "client", "employee", "contact", "dear", "mr", "mrs", "ms", "miss", "signed", "regards", "sincerely", "ask", "tell", "met", "spoke", "colleague", "friend", "wife", "husband", "son", "daughter", "mother", "father"];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        for (var match = Introduced().Match(text); match.Success; match = match.NextMatch())
        {
            var name = match.Groups["name"];
            var cue = match.Groups["cue"].Value;
            var strong = !cue.StartsWith('h') && !cue.StartsWith('H') && !cue.StartsWith("i", StringComparison.OrdinalIgnoreCase)
                && !cue.StartsWith("this", StringComparison.OrdinalIgnoreCase);
            var first = FirstWord(name.Value);
            // "I'm Happy to help", "This is Important": weak cues count only before a known given name.
            if (!strong && !FirstNames.Known.Contains(first))
            {
                continue;
            }
            var (start, end) = TrimTrailingNonName(text, name.Index, name.Index + name.Length);
            findings.Add(new PiiFinding(PiiTypes.Person, start, end, strong ? IntroducedScore : GreetingScore));
        }
        for (var match = Titled().Match(text); match.Success; match = match.NextMatch())
        {
            var name = match.Groups["name"];
            var (start, end) = TrimTrailingNonName(text, name.Index, name.Index + name.Length);
            findings.Add(new PiiFinding(PiiTypes.Person, start, end, TitledScore));
        }
        for (var match = Listed().Match(text); match.Success; match = match.NextMatch())
        {
            var first = match.Groups["first"];
            if (!FirstNames.Known.Contains(first.Value))
            {
                continue;
            }
            var last = match.Groups["last"];
            findings.Add(last.Success && !NotSurnames.Contains(last.Value)
                ? new PiiFinding(PiiTypes.Person, first.Index, last.Index + last.Length, FullNameScore)
                : new PiiFinding(PiiTypes.Person, first.Index, first.Index + first.Length, GivenNameScore));
        }
        return PiiAnalyzer.ResolveOverlaps(findings);
    }

    private static string FirstWord(string name)
    {
        var space = name.IndexOf(' ');
        return space < 0 ? name : name[..space];
    }

    /// <summary>Drops trailing words of a captured name that are sentence words ("Ada Lovelace And …").</summary>
    private static (int Start, int End) TrimTrailingNonName(string text, int start, int end)
    {
        while (true)
        {
            var space = text.LastIndexOf(' ', end - 1, end - start);
            if (space <= start || !NotSurnames.Contains(text[(space + 1)..end]))
            {
                return (start, end);
            }
            end = space;
        }
    }

    private const string Capitalised = @"\p{Lu}\p{Ll}{1,30}(?:[\-'’]\p{Lu}?\p{Ll}{1,30})?";

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    [GeneratedRegex(@"(?<![\p{L}])(?<cue>(?i:my\ name\ is|my\ name's|name\s?:|full\ name\s?:|call\ me|signed,?|regards,|sincerely,|dear|hi|hello|i\ am|i'm|this\ is))[ \t]{1,3}(?<name>" + Capitalised + @"(?:\ (?:(?:van|von|de|da|del|der|di|le|la)\ )?" + Capitalised + "){0,2})(?![\\p{L}])",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Introduced();

    [GeneratedRegex(@"(?<![\p{L}])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle)\.?\ (?<name>" + Capitalised + @"(?:\ " + Capitalised + "){0,2})(?![\\p{L}])",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Titled();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])(?<first>" + Capitalised + @")(?![\p{L}])(?=(?:\ (?<last>" + Capitalised + @")(?![\p{L}]))?)",
        Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Listed();
}

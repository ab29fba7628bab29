using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Street addresses by their shape, without a gazetteer: a house number, one to four capitalised words and a street
/// type ("221B Baker Street", "1600 Pennsylvania Ave NW, Washington, DC 20500"), optionally a unit and a
/// "City, ST 12345" or UK postcode tail; and the Germanic and Nordic order, street name then number ("Hauptstraße 5",
/// "Keizersgracht 123"). Romance orders ("12 rue de Rivoli") are not covered. A bare street
/// line scores near the threshold; a ZIP tail or a context word ("address", "live", "ship to") lifts it.
/// </summary>
public sealed partial class StreetAddressRecognizer : IPiiRecognizer
{
    public const double StreetScore = 0.55;
    public const double WithPostcodeScore = 0.8;
    public const double ContinentalScore = 0.6;

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.StreetAddress];

    public IReadOnlyCollection<string> ContextWords { get; } =
        ["address", "addr", "live", "lives", "living", "located", "reside", "resides", "residence", "ship", "shipping", "deliver", "delivery", "mail", "mailing", "home", "billing", "visit", "adresse", "wohne", "wohnt", "anschrift"];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        for (var match = UsStyle().Match(text); match.Success; match = match.NextMatch())
        {
            var score = match.Groups["zip"].Success ? WithPostcodeScore : StreetScore;
            findings.Add(new PiiFinding(PiiTypes.StreetAddress, match.Index, match.Index + match.Length, score));
        }
        for (var match = Continental().Match(text); match.Success; match = match.NextMatch())
        {
            findings.Add(new PiiFinding(PiiTypes.StreetAddress, match.Index, match.Index + match.Length, ContinentalScore));
        }
        return PiiAnalyzer.ResolveOverlaps(findings);
    }

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture | RegexOptions.IgnorePatternWhitespace;

    [GeneratedRegex("""
        (?<![\p{L}\p{N}])[0-9]{1,6}[A-Za-z]?\ {1,2}
        (?:(?:[NSEW]|North|South|East|West)\.?\ )?
        (?:(?!(?:The|A|An|And|Of|In|On|At|To|For|By|With|From)\ )(?:\p{Lu}[\p{L}'\-]{0,24}|[0-9]{1,3}(?:st|nd|rd|th))\ ){1,4}
        (?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Close|Crescent|Cres|Row|Mews|Gardens|Grove|Hill|Park|Walk)\b\.?
        (?:\ (?:NW|NE|SW|SE|N|S|E|W)\b)?
        (?:,?\ (?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|\#)\.?\ ?[0-9A-Za-z\-]{1,8})?
        (?:,\ \p{Lu}[\p{L}\-]{1,24}(?:\ \p{Lu}[\p{L}\-]{1,24}){0,2},?\ (?<zip>[A-Z]{2}\ [0-9]{5}(?:-[0-9]{4})?|[A-Z]{1,2}[0-9][A-Z0-9]?\ [0-9][A-Z]{2}))?
        """, Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex UsStyle();

    [GeneratedRegex("""
        (?<![\p{L}\p{N}])\p{Lu}[\p{L}\-]{1,40}(?:straße|strasse|str\.|gasse|weg|platz|allee|damm|ring|gracht|laan|straat|vej|gatan|gata|veien)
        \ {1,2}[0-9]{1,4}[a-z]?(?![\p{L}\p{N}])
        (?:,\ ?[0-9]{4,5}\ \p{Lu}[\p{L}\-]{1,30})?
        """, Options, matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Continental();
}

using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// International bank account numbers: a country code, two check digits and the country's BBAN, either unbroken or in
/// groups of four joined by single spaces (the last group may be shorter). A candidate must have its country's exact
/// length and BBAN structure (SWIFT's IBAN registry) and pass the ISO 7064 mod-97 check, so a one-digit slip never
/// matches. Upper case only, as the standard writes them.
/// </summary>
public sealed partial class IbanRecognizer : IPiiRecognizer
{
    public const double MatchScore = 0.9;

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.Iban];

    public IReadOnlyCollection<string> ContextWords { get; } = ["iban", "bank", "account", "transfer", "sepa", "konto", "compte"];

    /// <summary>BBAN structure per country: n digits, a upper-case letters, c upper-case letters or digits (registry notation).</summary>
    private static readonly FrozenDictionary<string, string> Structures = new Dictionary<string, string>
    {
        ["AD"] = "4n4n12c", ["AE"] = "3n16n", ["AL"] = "8n16c", ["AT"] = "5n11n", ["AZ"] = "4a20c", ["BA"] = "3n3n8n2n",
        ["BE"] = "3n7n2n", ["BG"] = "4a4n2n8c", ["BH"] = "4a14c", ["BI"] = "5n5n11n2n", ["BR"] = "8n5n10n1a1c",
        ["BY"] = "4c4n16c", ["CH"] = "5n12c", ["CR"] = "4n14n", ["CY"] = "3n5n16c", ["CZ"] = "4n6n10n", ["DE"] = "8n10n",
        ["DJ"] = "5n5n11n2n", ["DK"] = "4n9n1n", ["DO"] = "4c20n", ["EE"] = "2n2n11n1n", ["EG"] = "4n4n17n",
        ["ES"] = "4n4n1n1n10n", ["FI"] = "3n11n", ["FK"] = "2a12n", ["FO"] = "4n9n1n", ["FR"] = "5n5n11c2n",
        ["GB"] = "4a6n8n", ["GE"] = "2a16n", ["GI"] = "4a15c", ["GL"] = "4n9n1n", ["GR"] = "3n4n16c", ["GT"] = "4c20c",
        ["HN"] = "4a20n", ["HR"] = "7n10n", ["HU"] = "3n4n1n15n1n", ["IE"] = "4a6n8n", ["IL"] = "3n3n13n",
        ["IQ"] = "4a3n12n", ["IS"] = "4n2n6n10n", ["IT"] = "1a5n5n12c", ["JO"] = "4a4n18c", ["KW"] = "4a22c",
        ["KZ"] = "3n13c", ["LB"] = "4n20c", ["LC"] = "4a24c", ["LI"] = "5n12c", ["LT"] = "5n11n", ["LU"] = "3n13c",
        ["LV"] = "4a13c", ["LY"] = "3n3n15n", ["MC"] = "5n5n11c2n", ["MD"] = "2c18c", ["ME"] = "3n13n2n",
        ["MK"] = "3n10c2n", ["MN"] = "4n12n", ["MR"] = "5n5n11n2n", ["MT"] = "4a5n18c", ["MU"] = "4a2n2n12n3n3a",
        ["NI"] = "4a20n", ["NL"] = "4a10n", ["NO"] = "4n6n1n", ["OM"] = "3n16c", ["PK"] = "4a16c", ["PL"] = "8n16n",
        ["PS"] = "4a21c", ["PT"] = "4n4n11n2n", ["QA"] = "4a21c", ["RO"] = "4a16c", ["RS"] = "3n13n2n", ["RU"] = "9n5n15c",
        ["SA"] = "2n18c", ["SC"] = "4a2n2n16n3a", ["SD"] = "2n12n", ["SE"] = "3n16n1n", ["SI"] = "5n8n2n",
        ["SK"] = "4n6n10n", ["SM"] = "1a5n5n12c", ["SO"] = "4n3n12n", ["ST"] = "8n11n2n", ["SV"] = "4a20n",
        ["TL"] = "3n14n2n", ["TN"] = "2n3n13n2n", ["TR"] = "5n1n16c", ["UA"] = "6n19c", ["VA"] = "3n15n",
        ["VG"] = "4a16n", ["XK"] = "4n10n2n", ["YE"] = "4a4n18c",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const int MaxIbanLength = 34;

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        var findings = new List<PiiFinding>();
        Span<char> compact = stackalloc char[MaxIbanLength];
        for (var match = Candidate().Match(text); match.Success; match = match.NextMatch())
        {
            if (!Structures.TryGetValue(match.Groups["country"].Value, out var structure))
            {
                continue;
            }
            var length = 4 + BbanLength(structure);
            if (length > MaxIbanLength)
            {
                continue;
            }
            // Walk the candidate's characters, skipping the single separators, until the country's length is reached.
            var count = 0;
            var end = match.Index;
            for (; end < match.Index + match.Length && count < length; end++)
            {
                if (text[end] is not (' ' or '-'))
                {
                    compact[count++] = text[end];
                }
            }
            if (count != length || (end < text.Length && char.IsAsciiLetterOrDigit(text[end])))
            {
                continue;
            }
            if (MatchesStructure(compact[4..length], structure) && Mod97(compact[..length]) == 1)
            {
                findings.Add(new PiiFinding(PiiTypes.Iban, match.Index, end, MatchScore));
            }
        }
        return findings;
    }

    private static int BbanLength(string structure)
    {
        var total = 0;
        var number = 0;
        foreach (var c in structure)
        {
            if (char.IsAsciiDigit(c))
            {
                number = number * 10 + (c - '0');
            }
            else
            {
                total += number;
                number = 0;
            }
        }
        return total;
    }

    internal static bool MatchesStructure(ReadOnlySpan<char> bban, string structure)
    {
        var position = 0;
        var number = 0;
        foreach (var c in structure)
        {
            if (char.IsAsciiDigit(c))
            {
                number = number * 10 + (c - '0');
                continue;
            }
            for (var i = 0; i < number; i++, position++)
            {
                var ch = bban[position];
                var ok = c switch
                {
                    'n' => char.IsAsciiDigit(ch),
                    'a' => char.IsAsciiLetterUpper(ch),
                    _ => char.IsAsciiDigit(ch) || char.IsAsciiLetterUpper(ch),
                };
                if (!ok)
                {
                    return false;
                }
            }
            number = 0;
        }
        return position == bban.Length;
    }

    /// <summary>ISO 7064 MOD 97-10 over the rearranged IBAN (first four characters moved to the end, letters as 10–35).</summary>
    internal static int Mod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
            else
            {
                return -1;
            }
        }
        return remainder;
    }

    // Country code and check digits, then upper-case alphanumerics, either unbroken or in groups of 1–4 after single
    // spaces or dashes; the code above cuts the candidate to the country's length. Each repetition starts with a
    // separator or is one bounded run, so matching is linear.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_])(?<country>[A-Z]{2})[0-9]{2}(?:[A-Z0-9]{1,30}|(?:[ \-][A-Z0-9]{1,4}){1,9})",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Candidate();
}

using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Email addresses as people write them: a dot-atom local part (letters, digits, <c>_ % + -</c>), <c>@</c>, and a
/// domain of at least two labels whose last one is alphabetic or punycode. Quoted local parts and IP-literal
/// domains are valid RFC 5322 but practically never personal data in prompts, so they are left out.
/// </summary>
public sealed partial class EmailRecognizer : IPiiRecognizer
{
    public const double MatchScore = 0.9;
    private const int MaxLocalLength = 64;
    private const int MaxDomainLength = 253;

    // File names like icon@2x.png look like addresses; none of these is a top-level domain.
    private static readonly FrozenSet<string> FileExtensions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "heic", "avif",
        "css", "js", "ts", "json", "html", "htm", "txt", "md", "yml", "yaml", "xml", "csv");

    public IReadOnlyCollection<string> SupportedTypes { get; } = [PiiTypes.Email];

    public IEnumerable<PiiFinding> Recognize(string text)
    {
        for (var match = Address().Match(text); match.Success; match = match.NextMatch())
        {
            var local = match.Groups["local"];
            var domain = match.Groups["domain"];
            if (local.Length > MaxLocalLength || domain.Length > MaxDomainLength)
            {
                continue;
            }
            var topLevel = domain.ValueSpan[(domain.ValueSpan.LastIndexOf('.') + 1)..];
            if (FileExtensions.GetAlternateLookup<ReadOnlySpan<char>>().Contains(topLevel))
            {
                continue;
            }
            yield return new PiiFinding(PiiTypes.Email, local.Index, domain.Index + domain.Length, MatchScore);
        }
    }

    // Anchored on the '@' so the scan is a vectorized IndexOf, not an attempt at every letter. The local part is
    // read leftwards by the lookbehind, atomically and only from the start of a run of address characters; each
    // domain label ends at a dot. A failed attempt therefore cannot backtrack beyond its own run: linear overall.
    [GeneratedRegex("""
        @
        (?<=(?<![\p{L}\p{N}._%+@-])(?<local>(?>[\p{L}\p{N}_%+-]+(?:\.[\p{L}\p{N}_%+-]+)*))@)
        (?<domain>(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:xn--[A-Za-z0-9-]{1,59}|\p{L}{2,63}))
        (?![\p{L}\p{N}_-])(?!\.[\p{L}\p{N}])
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: RecognizerLimits.MatchTimeoutMilliseconds)]
    private static partial Regex Address();
}

namespace AiAspire.GuardrailService.Pii;

/// <summary>An issuer identification number (IIN) range of a card network and the lengths it issues.</summary>
/// <param name="Low">Lowest prefix of the range, inclusive.</param>
/// <param name="High">Highest prefix of the range, inclusive, with as many digits as <paramref name="Low"/>.</param>
public sealed record CardNetwork(string Name, string Low, string High, int MinLength, int MaxLength, int[]? Lengths = null)
{
    public bool MatchesPrefix(ReadOnlySpan<char> digits) =>
        digits.Length >= Low.Length
        && digits[..Low.Length].SequenceCompareTo(Low) >= 0
        && digits[..High.Length].SequenceCompareTo(High) <= 0;

    public bool IssuesLength(int length) =>
        Lengths?.Contains(length) ?? (length >= MinLength && length <= MaxLength);

    /// <summary>Public IIN ranges of the major networks (ISO/IEC 7812 registrations as the networks publish them).</summary>
    public static IReadOnlyList<CardNetwork> Known { get; } =
    [
        new("Visa", "4", "4", 13, 19, [13, 16, 19]),
        new("Mastercard", "51", "55", 16, 16),
        new("Mastercard", "2221", "2720", 16, 16),
        new("American Express", "34", "34", 15, 15),
        new("American Express", "37", "37", 15, 15),
        new("Diners Club", "300", "305", 14, 19),
        new("Diners Club", "3095", "3095", 14, 19),
        new("Diners Club", "36", "36", 14, 19),
        new("Diners Club", "38", "39", 14, 19),
        new("Discover", "6011", "6011", 16, 19),
        new("Discover", "644", "649", 16, 19),
        new("Discover", "65", "65", 16, 19),
        new("JCB", "3528", "3589", 16, 19),
        new("UnionPay", "62", "62", 16, 19),
        new("UnionPay", "81", "81", 16, 19),
        new("Maestro", "5018", "5018", 12, 19),
        new("Maestro", "5020", "5020", 12, 19),
        new("Maestro", "5038", "5038", 12, 19),
        new("Maestro", "5893", "5893", 12, 19),
        new("Maestro", "6304", "6304", 12, 19),
        new("Maestro", "6759", "6759", 12, 19),
        new("Maestro", "6761", "6763", 12, 19),
        new("Dankort", "5019", "5019", 16, 16),
        new("Mir", "2200", "2204", 16, 19),
        new("UATP", "1", "1", 15, 15),
        new("RuPay", "60", "60", 16, 16),
        new("RuPay", "82", "82", 16, 16),
        new("RuPay", "508", "508", 16, 16),
        new("Verve", "506099", "506198", 16, 19),
        new("Verve", "650002", "650027", 16, 19),
        new("InterPayment", "636", "636", 16, 19),
        new("InstaPayment", "637", "639", 16, 16),
        new("Troy", "9792", "9792", 16, 16),
    ];
}

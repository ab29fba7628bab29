using System.Globalization;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Masking;

/// <summary>The typed placeholders that stand in for masked values: <c>&lt;EMAIL_1&gt;</c>, <c>&lt;CREDIT_CARD_2&gt;</c>.</summary>
public static partial class Placeholder
{
    public static string Format(string type, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"<{type}_{number}>");

    /// <summary>
    /// Anything shaped like a placeholder (upper-case letters, digits, underscores in angle brackets); whether it is
    /// one depends on the vault. The class cannot contain '&gt;', so a failed attempt costs at most its own length.
    /// </summary>
    [GeneratedRegex("<[A-Z][A-Z0-9_]{0,79}>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1_000)]
    public static partial Regex Pattern();
}

using System.Text.RegularExpressions;

namespace AiAspire.RagService.Documents;

/// <summary>Document ids and collection names: safe in URLs, file names and store keys.</summary>
public static partial class Identifiers
{
    public const string DefaultCollection = "default";

    public const string Rule = "1 to 128 characters from A-Z, a-z, 0-9, '.', '_' and '-'";

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}\z")]
    private static partial Regex Pattern();
}

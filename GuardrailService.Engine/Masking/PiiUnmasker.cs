namespace AiAspire.GuardrailService.Masking;

/// <summary>
/// Puts the original values back where a model's text repeats a placeholder. One pass, left to right:
/// a restored value is never scanned again, and a placeholder missing from the vault is left as written.
/// </summary>
public static class PiiUnmasker
{
    public static UnmaskingResult Unmask(string text, IReadOnlyDictionary<string, string> entries)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0 || text.Length == 0)
        {
            return new UnmaskingResult(text, 0, 0);
        }

        var restored = 0;
        var unknown = 0;
        var result = Placeholder.Pattern().Replace(text, match =>
        {
            if (entries.TryGetValue(match.Value, out var value))
            {
                restored++;
                return value;
            }
            unknown++;
            return match.Value;
        });
        return new UnmaskingResult(result, restored, unknown);
    }
}

namespace AiAspire.GuardrailService.Pii;

/// <summary>
/// Finds one or more kinds of personal data in a text. Recognizers are stateless singletons; findings of one
/// recognizer must not overlap each other, findings of different recognizers may (the analyzer resolves that).
/// </summary>
public interface IPiiRecognizer
{
    /// <summary>The finding types this recognizer can return.</summary>
    IReadOnlyCollection<string> SupportedTypes { get; }

    /// <summary>
    /// Lower-case words that, near a finding, make it more likely to be what it looks like ("phone" before a number);
    /// the analyzer raises such findings by <see cref="ContextWords.Boost"/>.
    /// </summary>
    IReadOnlyCollection<string> ContextWords => [];

    /// <summary>Findings in <paramref name="text"/>, with offsets into it; any score, the analyzer applies the threshold.</summary>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">The text was too costly to scan.</exception>
    IEnumerable<PiiFinding> Recognize(string text);
}

namespace AiAspire.GuardrailService.Pii;

/// <summary>A recognizer gave up on a text that was too costly to scan; the caller must not treat it as clean.</summary>
public sealed class PiiAnalysisTimeoutException(string recognizer, Exception inner)
    : Exception($"PII recognizer {recognizer} timed out.", inner)
{
    public string Recognizer { get; } = recognizer;
}

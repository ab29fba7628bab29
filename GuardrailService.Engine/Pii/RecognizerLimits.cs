namespace AiAspire.GuardrailService.Pii;

internal static class RecognizerLimits
{
    /// <summary>Per regex scan; generous for a megabyte of text, so hitting it means a pathological input.</summary>
    public const int MatchTimeoutMilliseconds = 1_000;
}

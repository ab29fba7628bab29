namespace AiAspire.Gateway.RateLimiting;

/// <summary>The script's verdict.</summary>
/// <param name="DeniedIndex">The index of the first limit that refused, or -1 when every limit was taken.</param>
/// <param name="BucketSecond">Redis's clock second in which the request's amounts were counted.</param>
public sealed record RateLimitDecision(int DeniedIndex, long BucketSecond, IReadOnlyList<LimitState> States)
{
    public bool Granted => DeniedIndex < 0;
}

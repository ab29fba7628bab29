namespace AiAspire.FeedbackWorker.Projections;

/// <summary>Fields of the figure hashes (totals and minutes alike); every one is an integer counter.</summary>
internal static class QualityFields
{
    public const string Requests = "requests";
    public const string Errors = "errors";
    public const string TokensIn = "tokens_in";
    public const string TokensOut = "tokens_out";

    /// <summary>Cost in nano-USD: integers add up exactly, where floats would drift.</summary>
    public const string CostNanoUsd = "cost_nusd";

    public const string CacheHits = "cache_hits";
    public const string GuardBlocks = "guard_blocks";
    public const string LatencySumMicroseconds = "latency_us_sum";
    public const string FeedbackUp = "feedback_up";
    public const string FeedbackDown = "feedback_down";

    /// <summary>Prefix of the latency histogram's bucket counts: <c>lat:17</c> counts bucket 17.</summary>
    public const string LatencyBucketPrefix = "lat:";

    public const decimal NanoUsdPerUsd = 1_000_000_000m;

    public static string LatencyBucket(int bucket) => LatencyBucketPrefix + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

namespace AiAspire.Contracts.Quality;

/// <summary><c>GET /api/quality/timeseries</c>: the caller's figures per bucket, oldest first, for charts.</summary>
/// <param name="Model">The model filtered on, or null for all.</param>
/// <param name="Route">The route filtered on, or null for all.</param>
public sealed record QualityTimeSeries(
    string Tenant,
    DateTimeOffset From,
    DateTimeOffset To,
    int BucketMinutes,
    string? Model,
    string? Route,
    IReadOnlyList<QualityPoint> Points);

/// <summary>One bucket's figures; every bucket of the range is present, zeros where nothing happened.</summary>
public sealed record QualityPoint(
    DateTimeOffset Start,
    long Requests,
    long Errors,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    long TokensIn,
    long TokensOut,
    decimal CostUsd,
    long CacheHits,
    long GuardBlocks,
    long FeedbackUp,
    long FeedbackDown);

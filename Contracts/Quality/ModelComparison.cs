namespace AiAspire.Contracts.Quality;

/// <summary><c>GET /api/quality/models</c>: the caller's models side by side, all time.</summary>
public sealed record ModelComparisonList(string Tenant, IReadOnlyList<ModelComparison> Models);

/// <param name="ErrorRate">Errors per request, 0–1.</param>
/// <param name="FeedbackScore">Share of positive ratings, 0–1; null before any feedback.</param>
public sealed record ModelComparison(
    string Model,
    long Requests,
    long Errors,
    double ErrorRate,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    decimal CostUsd,
    decimal CostPerRequestUsd,
    long FeedbackUp,
    long FeedbackDown,
    double? FeedbackScore);

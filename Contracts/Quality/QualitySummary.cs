namespace AiAspire.Contracts.Quality;

/// <summary><c>GET /api/quality/summary</c>: totals for the caller's tenant, and the same per model.</summary>
public sealed record QualitySummary(
    string Tenant,
    QualityFigures Total,
    IReadOnlyList<ModelQuality> Models);

public sealed record ModelQuality(string Model, QualityFigures Figures);

public sealed record QualityFigures(
    long Requests,
    long Errors,
    double LatencyP50Ms,
    double LatencyP95Ms,
    long TokensIn,
    long TokensOut,
    decimal CostUsd,
    double LatencyP99Ms = 0);

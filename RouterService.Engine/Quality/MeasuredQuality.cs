namespace AiAspire.RouterService.Quality;

/// <summary>A deployment's quality as users rated it.</summary>
/// <param name="Score">Wilson lower bound of the positive share, 0–1.</param>
/// <param name="Scope">Whose ratings: "tenant" (the caller's own) or "all tenants".</param>
public sealed record MeasuredQuality(double Score, long Up, long Down, string Scope)
{
    public long Ratings => Up + Down;
}

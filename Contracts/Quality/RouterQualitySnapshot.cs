namespace AiAspire.Contracts.Quality;

/// <summary>
/// Measured quality of every rated model, as the FeedbackWorker publishes it for the router's quality strategy: one JSON
/// document under <see cref="RouterQualityScores.RedisKey"/>, rewritten every few seconds from the feedback projections.
/// </summary>
/// <param name="ComputedAt">When the worker computed it.</param>
/// <param name="Global">Every tenant's ratings together, per model: the fallback for a tenant with too few of its own.</param>
/// <param name="Tenants">Per tenant, its own ratings per model.</param>
public sealed record RouterQualitySnapshot(
    DateTimeOffset ComputedAt,
    IReadOnlyList<ModelQualityScore> Global,
    IReadOnlyDictionary<string, IReadOnlyList<ModelQualityScore>> Tenants);

/// <param name="Model">The deployment that produced the rated answers (what <c>FeedbackSubmitted.Model</c> carries).</param>
/// <param name="Score"><see cref="RouterQualityScores.WilsonLowerBound"/> of <see cref="Up"/> and <see cref="Down"/>, 0–1.</param>
public sealed record ModelQualityScore(string Model, long Up, long Down, double Score)
{
    public long Ratings => Up + Down;
}

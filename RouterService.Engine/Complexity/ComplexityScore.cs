using AiAspire.Contracts.Router;

namespace AiAspire.RouterService.Complexity;

/// <summary>A prompt's difficulty, 0 to 1, and the features it was computed from.</summary>
public sealed record ComplexityScore(double Score, IReadOnlyList<ComplexityFeature> Features)
{
    public bool IsHard(double threshold) => Score >= threshold;
}

namespace AiAspire.Contracts.Router;

/// <summary><c>POST /v1/route/explain</c>: what the router would call for a request, and why, without calling it.</summary>
/// <param name="Candidates">Every candidate considered: the ranked ones in order of trial, then the skipped ones with the reason.</param>
public sealed record RouteExplanation(
    string Route,
    string Strategy,
    string Deployment,
    string Model,
    string Provider,
    int EstimatedPromptTokens,
    IReadOnlyList<RouteCandidate> Candidates,
    PromptComplexity Complexity);

/// <param name="Outcome">"candidate" (ranked; <see cref="Rank"/> 1 is tried first) or "skipped".</param>
/// <param name="Score">The strategy's score; what it means (cost in USD, milliseconds, tier, …) is in <see cref="Reason"/>.</param>
public sealed record RouteCandidate(string Deployment, string Outcome, int? Rank, double? Score, string Reason);

/// <param name="Score">0 (trivial) to 1 (hard); at or above <see cref="Threshold"/> the prompt counts as hard.</param>
/// <param name="Level">"easy" or "hard".</param>
public sealed record PromptComplexity(double Score, double Threshold, string Level, IReadOnlyList<ComplexityFeature> Features);

/// <param name="Value">The feature's strength, 0 to 1.</param>
/// <param name="Contribution"><see cref="Value"/> × <see cref="Weight"/>: its share of the score.</param>
/// <param name="Detail">What was observed, e.g. "3 reasoning words: why, compare, derive".</param>
public sealed record ComplexityFeature(string Name, double Value, double Weight, double Contribution, string Detail);

namespace AiAspire.GuardrailService.Injection;

/// <param name="Score">Confidence in [0, 1) that the text tries to override the model's instructions: the heuristic score,
/// or its blend with <paramref name="ClassifierScore"/> when the classifier ran.</param>
/// <param name="Signals">Names of the signals that fired, strongest first.</param>
/// <param name="HeuristicScore">The heuristics' own score; null from the heuristics alone (then it is <paramref name="Score"/>).</param>
/// <param name="ClassifierScore">The embedding classifier's probability of an attack; null when it did not run.</param>
public sealed record InjectionVerdict(double Score, IReadOnlyList<string> Signals, double? HeuristicScore = null, double? ClassifierScore = null);

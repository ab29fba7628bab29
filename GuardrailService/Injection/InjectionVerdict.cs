namespace AiAspire.GuardrailService.Injection;

/// <param name="Score">Confidence in [0, 1) that the text tries to override the model's instructions.</param>
/// <param name="Signals">Names of the signals that fired, strongest first.</param>
public sealed record InjectionVerdict(double Score, IReadOnlyList<string> Signals);

namespace AiAspire.Contracts.Guard;

/// <summary>The result of one scored check (such as <see cref="GuardCheckNames.Injection"/>) on one message or document.</summary>
/// <param name="MessageIndex">Index of the message or document checked.</param>
/// <param name="Score">The detector's score in [0, 1].</param>
/// <param name="Threshold">The tenant's threshold; <paramref name="Flagged"/> is <c>Score ≥ Threshold</c>.</param>
/// <param name="Signals">Names of the evidence that fired, strongest first, to explain the score.</param>
public sealed record GuardCheck(string Name, int MessageIndex, double Score, double Threshold, bool Flagged, IReadOnlyList<string> Signals);

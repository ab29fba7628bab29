namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// The parts of an injection verdict, reported beside the deciding <c>injection</c> check (which carries the blended score):
/// each has its own score against the same threshold, for explanation only.
/// </summary>
public static class InjectionCheckNames
{
    /// <summary>The heuristics' score; its signals are the evidence that fired.</summary>
    public const string Heuristics = "injection.heuristics";

    /// <summary>The embedding classifier's probability; present when the classifier ran.</summary>
    public const string Classifier = "injection.classifier";
}

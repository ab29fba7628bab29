namespace AiAspire.GuardrailService.Injection;

/// <summary>When the embedding classifier runs beside the heuristics.</summary>
public enum InjectionClassifierMode
{
    /// <summary>Only when the heuristic score is neither clearly benign nor clearly an attack (the default: the
    /// embedding costs milliseconds, the heuristics microseconds, and most texts are decided by the heuristics alone).</summary>
    Uncertain,

    /// <summary>On every scored text: the best detection, at an embedding's cost per message.</summary>
    Always,

    /// <summary>Heuristics only.</summary>
    Off,
}

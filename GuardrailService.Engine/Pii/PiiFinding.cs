namespace AiAspire.GuardrailService.Pii;

/// <summary>A span of one text that a recognizer believes is personal data; <see cref="End"/> is exclusive.</summary>
/// <param name="Score">Confidence in [0, 1]; the analyzer drops findings below its minimum.</param>
public readonly record struct PiiFinding(string Type, int Start, int End, double Score)
{
    public int Length => End - Start;

    public bool Overlaps(PiiFinding other) => Start < other.End && other.Start < End;
}

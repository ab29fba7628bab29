namespace AiAspire.GuardrailService.Guards;

/// <summary>A verdict of the guard engine, or the problem that stopped it (exactly one is set).</summary>
public readonly record struct GuardResult<T>(T? Value, GuardProblem? Problem) where T : class
{
    public static implicit operator GuardResult<T>(T value) => new(value, null);

    public static implicit operator GuardResult<T>(GuardProblem problem) => new(null, problem);
}

namespace AiAspire.Orchestrator.Pipeline;

/// <summary>The names of the built-in steps, their default order, and the order rules the validator enforces.</summary>
public static class PipelineSteps
{
    public const string Validate = "validate";
    public const string GuardInput = "guard-input";
    public const string Memory = "memory";
    public const string Retrieve = "retrieve";
    public const string Template = "template";
    public const string TokenBudget = "token-budget";
    public const string Infer = "infer";
    public const string GuardOutput = "guard-output";
    public const string Format = "format";

    /// <summary>The default pipeline: every built-in step in its usual place.</summary>
    public static readonly IReadOnlyList<string> All = [Validate, GuardInput, Memory, Retrieve, Template, TokenBudget, Infer, GuardOutput, Format];

    /// <summary>
    /// Orders that must hold when both steps run: the earlier turns are in the conversation before the template lays
    /// it out and the budget counts it, the template renders what retrieval found, and the budget fits what the
    /// template rendered (a step after it could overflow the window again).
    /// </summary>
    public static readonly IReadOnlyList<(string Before, string After)> Precedence =
        [(Memory, Retrieve), (Memory, Template), (Memory, TokenBudget), (Retrieve, Template), (Retrieve, TokenBudget), (Template, TokenBudget)];

    /// <summary>The step that, when it runs, must run last: it shapes the answer every other step has finished with.</summary>
    public const string Last = Format;

    /// <summary>Steps that work on the answer, so they come after "infer"; every other step prepares the prompt and comes before.</summary>
    public static readonly IReadOnlySet<string> AfterInfer = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { GuardOutput, Format };
}

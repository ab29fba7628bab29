namespace AiAspire.Orchestrator.Pipeline;

/// <summary>The names of the built-in steps, their default order, and the order rules the validator enforces.</summary>
public static class PipelineSteps
{
    public const string Validate = "validate";
    public const string GuardInput = "guard-input";
    public const string Retrieve = "retrieve";
    public const string Template = "template";
    public const string TokenBudget = "token-budget";
    public const string Infer = "infer";
    public const string GuardOutput = "guard-output";

    /// <summary>The default pipeline: every built-in step in its usual place.</summary>
    public static readonly IReadOnlyList<string> All = [Validate, GuardInput, Retrieve, Template, TokenBudget, Infer, GuardOutput];

    /// <summary>
    /// Orders that must hold when both steps run: the template renders what retrieval found, and the budget fits what
    /// the template rendered (a step after it could overflow the window again).
    /// </summary>
    public static readonly IReadOnlyList<(string Before, string After)> Precedence =
        [(Retrieve, Template), (Retrieve, TokenBudget), (Template, TokenBudget)];

    /// <summary>Steps that work on the answer, so they come after "infer"; every other step prepares the prompt and comes before.</summary>
    public static readonly IReadOnlySet<string> AfterInfer = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { GuardOutput };
}

using AiAspire.Contracts;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// Why the guard engine refused a request, as the problem+json GuardrailService answers with (status, title, type,
/// detail); <see cref="GuardEngine"/> decides it once for both the service and a host running the engine in process.
/// </summary>
public sealed record GuardProblem(int Status, string Title, string Type, string Detail)
{
    /// <summary>The title of the 422 for a text whose scan ran out of its time budget (callers treat it as capacity, not input).</summary>
    public const string ScanBudgetExceededTitle = "Text too costly to scan";

    /// <summary>As <c>JsonBody.Validation</c>: a request the guard will not scan.</summary>
    public static GuardProblem Validation(string detail) => new(400, "Invalid request", ProblemTypes.Validation, detail);

    public static GuardProblem ScanBudgetExceeded { get; } = new(422, ScanBudgetExceededTitle, ProblemTypes.Validation,
        "The text could not be scanned within the time limit; send shorter messages.");

    public static GuardProblem VaultUnavailable { get; } = new(503, "Vault unavailable", ProblemTypes.Unavailable,
        "The PII vault is temporarily unavailable; retry shortly.");

    public static GuardProblem VaultNotFound { get; } = new(404, "Vault not found", ProblemTypes.NotFound,
        "The vault was not found: its id is unknown, it belongs to another tenant, or it expired. Mask the input again.");
}

using System.Globalization;

namespace AiAspire.Orchestrator.Budgets;

/// <summary>What the token budget counted and what it left out to fit.</summary>
/// <param name="PromptTokens">The prompt as sent, counted exactly with <see cref="Encoding"/>.</param>
/// <param name="ContextWindow">Null when the model's window is unknown (nothing was left out then).</param>
public sealed record TokenBudgetOutcome(
    string Model,
    string Encoding,
    int PromptTokens,
    int? ContextWindow,
    int ReservedOutputTokens,
    int DroppedHistory,
    int DroppedChunks)
{
    public const string Header = "x-aiaspire-budget";

    /// <summary>The <see cref="Header"/> value: <c>prompt=…;window=…;reserved=…;dropped-history=…;dropped-chunks=…;encoding=…</c>.</summary>
    public string HeaderValue() => string.Create(CultureInfo.InvariantCulture,
        $"prompt={PromptTokens};window={(ContextWindow is { } window ? window.ToString(CultureInfo.InvariantCulture) : "unknown")};reserved={ReservedOutputTokens};dropped-history={DroppedHistory};dropped-chunks={DroppedChunks};encoding={Encoding}");
}

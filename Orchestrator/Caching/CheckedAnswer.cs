using AiAspire.Contracts.Guard;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// An answer both guards allowed, kept by <see cref="CheckedAnswerCache"/>: the completion as the caller got it (nothing
/// was masked in its request, so it equals the model's text after the format step), and what a hit replays into the
/// context for events and datasets — the prompt as sent to the model and the guards' findings.
/// </summary>
public sealed record CheckedAnswer(
    CompletionResponse Completion,
    string MaskedAnswer,
    IReadOnlyList<RouterMessage> Messages,
    IReadOnlyList<GuardFinding> Findings,
    string? TemplateKey);

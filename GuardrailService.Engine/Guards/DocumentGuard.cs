using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Policy;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// Indirect prompt injection: retrieved chunks are scored before they enter a prompt, against the tenant's document
/// threshold. Under <see cref="InjectionAction.Block"/> a flagged chunk is not allowed (the caller leaves it out);
/// under <see cref="InjectionAction.Flag"/> it is allowed and marked.
/// </summary>
public sealed class DocumentGuard(InjectionScorer injection, GuardPolicy policy)
{
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A document was too costly to scan.</exception>
    public GuardDocumentsResponse Check(string tenant, IReadOnlyList<GuardDocument> documents)
    {
        using var activity = GuardrailTelemetry.ActivitySource.StartActivity("guard documents");
        activity?.SetTag("aiaspire.tenant", tenant);
        activity?.SetTag("aiaspire.guard.documents", documents.Count);

        var (action, _, threshold) = policy.InjectionFor(tenant);
        var verdicts = new GuardDocumentVerdict[documents.Count];
        IReadOnlyList<InjectionVerdict> scores = action == InjectionAction.Off ? [] : injection.Score(documents.Select(document => document.Text).ToArray());
        var blocked = 0;
        for (var index = 0; index < documents.Count; index++)
        {
            var document = documents[index];
            if (action == InjectionAction.Off)
            {
                verdicts[index] = new GuardDocumentVerdict(index, document.Id, Allowed: true, Check: null);
                continue;
            }
            var verdict = scores[index];
            var flagged = verdict.Score >= threshold;
            var allowed = !(flagged && action == InjectionAction.Block);
            if (flagged)
            {
                GuardrailTelemetry.InjectionsFlagged.Add(1,
                    new KeyValuePair<string, object?>(GuardrailTelemetry.DirectionTag, "document"),
                    new KeyValuePair<string, object?>(GuardrailTelemetry.ActionTag, allowed ? "flag" : "block"));
            }
            blocked += allowed ? 0 : 1;
            verdicts[index] = new GuardDocumentVerdict(index, document.Id, allowed,
                new GuardCheck(GuardCheckNames.Injection, index, Math.Round(verdict.Score, 4), threshold, flagged, verdict.Signals));
        }
        activity?.SetTag("aiaspire.guard.documents.blocked", blocked);
        return new GuardDocumentsResponse(verdicts, blocked);
    }
}

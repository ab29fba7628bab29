using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Masking;
using System.Globalization;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// The input side: masks the personal data of every message as the tenant's policy says (mask, block or allow per
/// type) and keeps the mapping in the tenant's vault, and scores every non-system message for prompt injection
/// and the content-policy categories (block, flag or allow per tenant and category). A blocked request gets its reasons and nothing is vaulted, since no answer will be
/// restored. System messages are the application's own instructions, so they are masked but not scored.
/// </summary>
public sealed class InputGuard(PiiMasker masker, IVaultStore vault, GuardPolicy policy, InjectionScorer injection, ContentPolicyCheck content)
{
    /// <exception cref="PiiAnalysisTimeoutException">A message was too costly to analyse.</exception>
    /// <exception cref="VaultUnavailableException">Something was masked but the mapping could not be stored.</exception>
    public async Task<GuardInputResponse> GuardAsync(string tenant, IReadOnlyList<GuardMessage> messages, CancellationToken cancellationToken)
    {
        using var activity = GuardrailTelemetry.ActivitySource.StartActivity("guard input");
        activity?.SetTag("aiaspire.tenant", tenant);
        activity?.SetTag("aiaspire.guard.messages", messages.Count);

        var masked = masker.Mask(messages.Select(message => message.Content).ToArray(), type => policy.PiiActionFor(tenant, type));
        var reasons = masked.Findings
            .Where(finding => finding.Action == GuardActions.Block)
            .Select(finding => finding.Type)
            .Distinct()
            .Select(type => $"The tenant's policy blocks personal data of type {type}.")
            .ToArray();
        var checks = CheckInjection(tenant, messages, out var injectionReasons);
        checks.AddRange(CheckContent(tenant, messages, out var contentReasons));
        reasons = [.. reasons, .. injectionReasons, .. contentReasons];
        var allowed = reasons.Length == 0;
        var vaultId = !allowed || masked.Entries.Count == 0
            ? null
            : await vault.SaveAsync(tenant, masked.Entries, cancellationToken);

        GuardrailTelemetry.RecordFindings(masked.Findings, "input");
        activity?.SetTag("aiaspire.guard.findings", masked.Findings.Count);
        activity?.SetTag("aiaspire.guard.placeholders", masked.Entries.Count);
        activity?.SetTag("aiaspire.guard.allowed", allowed);

        var maskedMessages = messages.Select((message, index) => message with { Content = masked.Texts[index] }).ToArray();
        return new GuardInputResponse(allowed, maskedMessages, masked.Findings, vaultId, reasons, checks);
    }

    private List<GuardCheck> CheckContent(string tenant, IReadOnlyList<GuardMessage> messages, out List<string> reasons)
    {
        reasons = [];
        var checks = new List<GuardCheck>();
        for (var index = 0; index < messages.Count; index++)
        {
            if (!string.Equals(messages[index].Role, "system", StringComparison.OrdinalIgnoreCase))
            {
                checks.AddRange(content.Check(tenant, index, messages[index].Content, $"Message {index}", "input", reasons));
            }
        }
        return checks;
    }

    private List<GuardCheck> CheckInjection(string tenant, IReadOnlyList<GuardMessage> messages, out List<string> reasons)
    {
        reasons = [];
        var checks = new List<GuardCheck>();
        var (action, threshold, _) = policy.InjectionFor(tenant);
        if (action == InjectionAction.Off)
        {
            return checks;
        }
        var scored = Enumerable.Range(0, messages.Count)
            .Where(index => !string.Equals(messages[index].Role, "system", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        var verdicts = injection.Score(scored.Select(index => messages[index].Content).ToArray());
        for (var k = 0; k < scored.Length; k++)
        {
            var (index, verdict) = (scored[k], verdicts[k]);
            var flagged = verdict.Score >= threshold;
            checks.AddRange(Checks(index, verdict, threshold));
            if (flagged)
            {
                GuardrailTelemetry.InjectionsFlagged.Add(1,
                    new KeyValuePair<string, object?>(GuardrailTelemetry.DirectionTag, "input"),
                    new KeyValuePair<string, object?>(GuardrailTelemetry.ActionTag, action == InjectionAction.Block ? "block" : "flag"));
                if (action == InjectionAction.Block)
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture,
                        $"Message {index} looks like a prompt injection or jailbreak (score {verdict.Score:F2} ≥ {threshold:F2}: {Explain(verdict)})."));
                }
            }
        }
        return checks;
    }

    /// <summary>The deciding check (blended score) and its parts: the heuristics, and the classifier when it ran.</summary>
    internal static IEnumerable<GuardCheck> Checks(int index, InjectionVerdict verdict, double threshold)
    {
        yield return new GuardCheck(GuardCheckNames.Injection, index, Math.Round(verdict.Score, 4), threshold, verdict.Score >= threshold, verdict.Signals);
        var heuristic = verdict.HeuristicScore ?? verdict.Score;
        yield return new GuardCheck(InjectionCheckNames.Heuristics, index, Math.Round(heuristic, 4), threshold, heuristic >= threshold, verdict.Signals);
        if (verdict.ClassifierScore is { } classifier)
        {
            yield return new GuardCheck(InjectionCheckNames.Classifier, index, Math.Round(classifier, 4), threshold, classifier >= threshold, [MiniLmTextEmbedder.ModelName]);
        }
    }

    private static string Explain(InjectionVerdict verdict)
    {
        var signals = verdict.Signals.Count == 0 ? "no heuristic signal" : string.Join(", ", verdict.Signals.Take(3));
        return verdict.ClassifierScore is { } classifier
            ? string.Create(CultureInfo.InvariantCulture, $"{signals}; embedding classifier {classifier:F2}")
            : signals;
    }
}

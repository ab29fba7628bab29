using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Masking;
using System.Globalization;
using AiAspire.GuardrailService.Content;
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
public sealed class InputGuard(PiiMasker masker, IVaultStore vault, GuardPolicy policy, PromptInjectionDetector injection, ContentClassifier content)
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
            if (string.Equals(messages[index].Role, "system", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            foreach (var score in content.Classify(messages[index].Content))
            {
                var (action, threshold) = policy.ContentFor(tenant, score.Category);
                if (action == ContentAction.Allow)
                {
                    continue;
                }
                var flagged = score.Score >= threshold;
                checks.Add(new GuardCheck(GuardCheckNames.ContentPrefix + score.Category, index, Math.Round(score.Score, 4), threshold, flagged, [score.Category]));
                if (!flagged)
                {
                    continue;
                }
                GuardrailTelemetry.ContentFlagged.Add(1,
                    new KeyValuePair<string, object?>(GuardrailTelemetry.CategoryTag, score.Category),
                    new KeyValuePair<string, object?>(GuardrailTelemetry.ActionTag, action == ContentAction.Block ? "block" : "flag"));
                if (action == ContentAction.Block)
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture,
                        $"Message {index} falls under the content category {score.Category}, which the tenant's policy blocks (score {score.Score:F2} ≥ {threshold:F2})."));
                }
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
        for (var index = 0; index < messages.Count; index++)
        {
            if (string.Equals(messages[index].Role, "system", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var verdict = injection.Detect(messages[index].Content);
            var flagged = verdict.Score >= threshold;
            checks.Add(new GuardCheck(GuardCheckNames.Injection, index, Math.Round(verdict.Score, 4), threshold, flagged, verdict.Signals));
            if (flagged)
            {
                GuardrailTelemetry.InjectionsFlagged.Add(1,
                    new KeyValuePair<string, object?>(GuardrailTelemetry.DirectionTag, "input"),
                    new KeyValuePair<string, object?>(GuardrailTelemetry.ActionTag, action == InjectionAction.Block ? "block" : "flag"));
                if (action == InjectionAction.Block)
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture,
                        $"Message {index} looks like a prompt injection or jailbreak (score {verdict.Score:F2} ≥ {threshold:F2}: {string.Join(", ", verdict.Signals.Take(3))})."));
                }
            }
        }
        return checks;
    }
}

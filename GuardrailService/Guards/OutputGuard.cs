using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Masking;
using System.Globalization;
using System.Text.Json;
using AiAspire.GuardrailService.Output;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// The output side: restores the placeholders of a model's text from the tenant's vault (see <see cref="PiiUnmasker"/>
/// for the exact rules), reports personal data the model wrote in the clear, which no placeholder explains (a leak;
/// refused when the tenant's policy blocks that type), refuses an answer that repeats a long span of the system
/// prompt sent with the request, and one that does not satisfy the JSON Schema sent with it.
/// </summary>
public sealed class OutputGuard(
    PiiAnalyzer analyzer,
    IVaultStore vault,
    GuardPolicy policy,
    SystemPromptLeakDetector leakDetector,
    IOptionsMonitor<SystemPromptLeakOptions> leakOptions)
{
    /// <returns>
    /// The restored text, or null when <paramref name="vaultId"/> is given but unknown, expired or another tenant's.
    /// Findings have message index 0 and offsets into <paramref name="text"/> as sent.
    /// </returns>
    /// <exception cref="PiiAnalysisTimeoutException">The text was too costly to analyse.</exception>
    /// <exception cref="VaultUnavailableException">The vault's store could not be reached.</exception>
    public async Task<GuardOutputResponse?> GuardAsync(
        string tenant, string text, string? vaultId, CancellationToken cancellationToken, string? systemPrompt = null, JsonElement? schema = null)
    {
        using var activity = GuardrailTelemetry.ActivitySource.StartActivity("guard output");
        activity?.SetTag("aiaspire.tenant", tenant);

        IReadOnlyDictionary<string, string>? entries = null;
        if (vaultId is not null)
        {
            entries = await vault.LoadAsync(tenant, vaultId, cancellationToken);
            GuardrailTelemetry.VaultLookups.Add(1, new KeyValuePair<string, object?>(GuardrailTelemetry.OutcomeTag, entries is null ? "not_found" : "found"));
            activity?.SetTag("aiaspire.guard.vault.found", entries is not null);
            if (entries is null)
            {
                return null;
            }
        }

        var findings = analyzer.Analyze(text)
            .Select(finding => new GuardFinding(finding.Type, 0, finding.Start, finding.End, finding.Score, GuardActions.Leak))
            .ToArray();
        GuardrailTelemetry.RecordFindings(findings, "output");
        activity?.SetTag("aiaspire.guard.findings", findings.Length);

        var reasons = findings
            .Select(finding => finding.Type)
            .Distinct()
            .Where(type => policy.PiiActionFor(tenant, type) == PiiAction.Block)
            .Select(type => $"The answer contains personal data of type {type}, which the tenant's policy blocks.")
            .ToList();
        var checks = new List<GuardCheck>();
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            var (words, share) = leakDetector.LongestSharedRun(systemPrompt, text);
            var limits = leakOptions.CurrentValue;
            var leaked = words >= limits.MinWords || (words >= SystemPromptLeakDetector.MinWordsForShare && share >= limits.MinShare);
            checks.Add(new GuardCheck(GuardCheckNames.SystemPromptLeak, 0, Math.Round(share, 4), limits.MinShare, leaked,
                [string.Create(CultureInfo.InvariantCulture, $"{words} words")]));
            if (leaked)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"The answer repeats {words} consecutive words of the system prompt."));
            }
        }
        var restored = text;
        if (entries is not null)
        {
            var unmasked = PiiUnmasker.Unmask(text, entries);
            restored = unmasked.Text;
            activity?.SetTag("aiaspire.guard.restored", unmasked.Restored);
            activity?.SetTag("aiaspire.guard.unknown_placeholders", unmasked.Unknown);
        }
        if (schema is { } expected)
        {
            var (valid, errors) = JsonSchemaCheck.Check(expected, restored);
            checks.Add(new GuardCheck(GuardCheckNames.JsonSchema, 0, valid ? 0 : 1, 1, !valid, errors));
            if (!valid)
            {
                reasons.Add("The answer does not follow the requested JSON schema: " + string.Join("; ", errors));
            }
        }

        var allowed = reasons.Count == 0;
        activity?.SetTag("aiaspire.guard.allowed", allowed);
        // A refused answer is not restored: its placeholders stay placeholders.
        return new GuardOutputResponse(allowed, allowed ? restored : text, findings, reasons, checks);
    }
}

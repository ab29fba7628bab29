using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// The output side: restores the placeholders of a model's text from the tenant's vault (see <see cref="PiiUnmasker"/>
/// for the exact rules) and reports personal data the model wrote in the clear, which no placeholder explains.
/// </summary>
public sealed class OutputGuard(PiiAnalyzer analyzer, IVaultStore vault)
{
    /// <returns>
    /// The restored text, or null when <paramref name="vaultId"/> is given but unknown, expired or another tenant's.
    /// Findings have message index 0 and offsets into <paramref name="text"/> as sent.
    /// </returns>
    /// <exception cref="PiiAnalysisTimeoutException">The text was too costly to analyse.</exception>
    /// <exception cref="VaultUnavailableException">The vault's store could not be reached.</exception>
    public async Task<GuardOutputResponse?> GuardAsync(string tenant, string text, string? vaultId, CancellationToken cancellationToken)
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
            .Select(finding => new GuardFinding(finding.Type, 0, finding.Start, finding.End, finding.Score))
            .ToArray();
        GuardrailTelemetry.RecordFindings(findings, "output");
        activity?.SetTag("aiaspire.guard.findings", findings.Length);

        if (entries is null)
        {
            return new GuardOutputResponse(Allowed: true, text, findings);
        }

        var unmasked = PiiUnmasker.Unmask(text, entries);
        activity?.SetTag("aiaspire.guard.restored", unmasked.Restored);
        activity?.SetTag("aiaspire.guard.unknown_placeholders", unmasked.Unknown);
        return new GuardOutputResponse(Allowed: true, unmasked.Text, findings);
    }
}

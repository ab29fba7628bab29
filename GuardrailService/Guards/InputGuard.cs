using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Masking;
using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Guards;

/// <summary>
/// The input side: masks the personal data of every message and keeps the mapping in the tenant's vault.
/// Policy checks (injection, content) will add their verdicts to <see cref="GuardInputResponse.Reasons"/>.
/// </summary>
public sealed class InputGuard(PiiMasker masker, IVaultStore vault)
{
    /// <exception cref="PiiAnalysisTimeoutException">A message was too costly to analyse.</exception>
    /// <exception cref="VaultUnavailableException">Something was masked but the mapping could not be stored.</exception>
    public async Task<GuardInputResponse> GuardAsync(string tenant, IReadOnlyList<GuardMessage> messages, CancellationToken cancellationToken)
    {
        using var activity = GuardrailTelemetry.ActivitySource.StartActivity("guard input");
        activity?.SetTag("aiaspire.tenant", tenant);
        activity?.SetTag("aiaspire.guard.messages", messages.Count);

        var masked = masker.Mask(messages.Select(message => message.Content).ToArray());
        var vaultId = masked.Entries.Count == 0
            ? null
            : await vault.SaveAsync(tenant, masked.Entries, cancellationToken);

        GuardrailTelemetry.RecordFindings(masked.Findings, "input");
        activity?.SetTag("aiaspire.guard.findings", masked.Findings.Count);
        activity?.SetTag("aiaspire.guard.placeholders", masked.Entries.Count);

        var maskedMessages = messages.Select((message, index) => message with { Content = masked.Texts[index] }).ToArray();
        return new GuardInputResponse(Allowed: true, maskedMessages, masked.Findings, vaultId, Reasons: []);
    }
}

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
/// prompt sent with the request, one that falls under a content category the tenant blocks (the input's policy), and
/// one that does not satisfy the JSON Schema sent with it. A stream is checked window by window under one stream id:
/// the tail of the earlier windows is kept (<see cref="IStreamTailStore"/>) and read before each window, so that a
/// system prompt or a content term split across two windows is still seen whole.
/// </summary>
public sealed class OutputGuard(
    PiiAnalyzer analyzer,
    IVaultStore vault,
    GuardPolicy policy,
    SystemPromptLeakDetector leakDetector,
    IOptionsMonitor<SystemPromptLeakOptions> leakOptions,
    ContentPolicyCheck content,
    IStreamTailStore tails)
{
    /// <summary>A tail never holds more than this, whatever the words' lengths.</summary>
    private const int MaxTailCharacters = 4_096;

    /// <returns>
    /// The restored text, or null when <paramref name="vaultId"/> is given but unknown, expired or another tenant's.
    /// Findings have message index 0 and offsets into <paramref name="text"/> as sent.
    /// </returns>
    /// <param name="streamId">Set for each window of one stream; the leak and content checks then see the end of the
    /// earlier windows too. Null for a whole answer.</param>
    /// <param name="final">The stream's last window: its tail is forgotten.</param>
    /// <exception cref="PiiAnalysisTimeoutException">The text was too costly to analyse.</exception>
    /// <exception cref="VaultUnavailableException">The vault's store could not be reached.</exception>
    public async Task<GuardOutputResponse?> GuardAsync(
        string tenant, string text, string? vaultId, CancellationToken cancellationToken, string? systemPrompt = null, JsonElement? schema = null,
        string? streamId = null, bool final = false)
    {
        using var activity = GuardrailTelemetry.ActivitySource.StartActivity("guard output");
        activity?.SetTag("aiaspire.tenant", tenant);

        // The vault and the stream's tail are read together (one round trip to Redis for both). The tail of a last
        // window is read and forgotten in one step, unless a vault is read with it: a vault that cannot be read fails the
        // call (503, which callers may retry), and the retry must still find the tail.
        var takeTail = final && vaultId is null;
        var vaultLoad = vaultId is null ? null : vault.LoadAsync(tenant, vaultId, cancellationToken);
        var tailLoad = streamId is null ? null
            : takeTail ? tails.TakeAsync(tenant, streamId, cancellationToken)
            : tails.LoadAsync(tenant, streamId, cancellationToken);
        if (vaultLoad is not null && tailLoad is not null)
        {
            await Task.WhenAll(vaultLoad, tailLoad);
        }

        IReadOnlyDictionary<string, string>? entries = null;
        if (vaultLoad is not null)
        {
            entries = await vaultLoad;
            GuardrailTelemetry.VaultLookups.Add(1, new KeyValuePair<string, object?>(GuardrailTelemetry.OutcomeTag, entries is null ? "not_found" : "found"));
            activity?.SetTag("aiaspire.guard.vault.found", entries is not null);
            if (entries is null)
            {
                return null;
            }
        }

        var tail = tailLoad is null ? null : await tailLoad;
        activity?.SetTag("aiaspire.guard.stream.continued", tail is not null);
        // A window may end inside a word: the tail and the window join without a separator, as the stream does.
        var scanned = tail is null ? text : tail + text;

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
        var limits = leakOptions.CurrentValue;
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            var (words, share) = leakDetector.LongestSharedRun(systemPrompt, scanned);
            var leaked = words >= limits.MinWords || (words >= SystemPromptLeakDetector.MinWordsForShare && share >= limits.MinShare);
            checks.Add(new GuardCheck(GuardCheckNames.SystemPromptLeak, 0, Math.Round(share, 4), limits.MinShare, leaked,
                [string.Create(CultureInfo.InvariantCulture, $"{words} words")]));
            if (leaked)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"The answer repeats {words} consecutive words of the system prompt."));
            }
        }
        checks.AddRange(content.Check(tenant, 0, scanned, "The answer", "output", reasons));
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
        if (streamId is not null)
        {
            // A refused window ends the stream. A leak needs at most MinWords + 1 words of the past (a cut word included):
            // longer runs were already reported by an earlier window, and the share rule needs fewer.
            if (final || !allowed)
            {
                if (!takeTail)
                {
                    await tails.DeleteAsync(tenant, streamId, cancellationToken);
                }
            }
            else
            {
                await tails.SaveAsync(tenant, streamId, SystemPromptLeakDetector.Tail(scanned, limits.MinWords + 1, MaxTailCharacters), cancellationToken);
            }
        }
        // A refused answer is not restored: its placeholders stay placeholders.
        return new GuardOutputResponse(allowed, allowed ? restored : text, findings, reasons, checks);
    }
}

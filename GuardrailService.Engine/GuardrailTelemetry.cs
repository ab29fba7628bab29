using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiAspire.Contracts.Guard;

namespace AiAspire.GuardrailService;

/// <summary>Spans and counters of the guardrails. Tags carry types and counts, never the values found.</summary>
public static class GuardrailTelemetry
{
    public const string Name = "AiAspire.GuardrailService";

    public const string TypeTag = "aiaspire.guard.pii.type";
    public const string DirectionTag = "aiaspire.guard.direction";
    public const string OutcomeTag = "aiaspire.guard.vault.outcome";
    public const string ClassifierOutcomeTag = "aiaspire.guard.injection.classifier.outcome";
    public const string ActionTag = "aiaspire.guard.action";
    public const string CategoryTag = "aiaspire.guard.content.category";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Findings = Meter.CreateCounter<long>(
        "aiaspire.guard.pii.findings", "{finding}", "PII findings, by type and direction (input or output)");

    public static readonly Counter<long> VaultLookups = Meter.CreateCounter<long>(
        "aiaspire.guard.vault.lookups", "{lookup}", "Vault lookups when restoring output, by outcome (found or not_found)");

    public static readonly Counter<long> InjectionsFlagged = Meter.CreateCounter<long>(
        "aiaspire.guard.injection.flagged", "{text}", "Messages or documents scored as prompt injection, by direction and action (block or flag)");

    public static readonly Counter<long> ContentFlagged = Meter.CreateCounter<long>(
        "aiaspire.guard.content.flagged", "{text}", "Messages scored into a content-policy category, by category and action (block or flag)");

    public static readonly Counter<long> InjectionClassifierRuns = Meter.CreateCounter<long>(
        "aiaspire.guard.injection.classifier.texts", "{text}", "Texts sent to the injection classifier over embeddings (beside the heuristics), by outcome (scored or failed)");

    public static readonly Histogram<double> InjectionClassifierDuration = Meter.CreateHistogram<double>(
        "aiaspire.guard.injection.classifier.duration", "s", "Time to embed and classify one batch of texts for prompt injection");

    public static void RecordFindings(IReadOnlyList<GuardFinding> findings, string direction)
    {
        foreach (var group in findings.GroupBy(finding => finding.Type))
        {
            Findings.Add(group.Count(), new(TypeTag, group.Key), new(DirectionTag, direction));
        }
    }
}

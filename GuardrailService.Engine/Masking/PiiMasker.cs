using System.Text;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;

namespace AiAspire.GuardrailService.Masking;

/// <summary>
/// Replaces personal data with typed placeholders, numbered per type within one call; the same value gets the
/// same placeholder across all texts of the call, so a model can still tell two addresses apart. A policy may let
/// some types through (<see cref="PiiAction.Allow"/>: reported, not replaced); blocked types are replaced too, so a
/// refused request never echoes the value.
/// </summary>
public sealed class PiiMasker(PiiAnalyzer analyzer)
{
    /// <exception cref="PiiAnalysisTimeoutException">A text was too costly to analyse.</exception>
    public MaskingResult Mask(IReadOnlyList<string> texts, Func<string, PiiAction>? actionFor = null)
    {
        // A placeholder the caller already wrote literally must not be handed out, or unmasking would replace it.
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var match in Placeholder.Pattern().EnumerateMatches(text))
            {
                taken.Add(text.Substring(match.Index, match.Length));
            }
        }

        var byValue = new Dictionary<(string Type, string Value), string>();
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastNumber = new Dictionary<string, int>(StringComparer.Ordinal);
        var findings = new List<GuardFinding>();
        var masked = new string[texts.Count];

        for (var index = 0; index < texts.Count; index++)
        {
            var text = texts[index];
            var found = analyzer.Analyze(text);
            if (found.Count == 0)
            {
                masked[index] = text;
                continue;
            }

            var builder = new StringBuilder(text.Length);
            var position = 0;
            foreach (var finding in found)
            {
                var action = actionFor?.Invoke(finding.Type) ?? PiiAction.Mask;
                if (action == PiiAction.Allow)
                {
                    findings.Add(new GuardFinding(finding.Type, index, finding.Start, finding.End, finding.Score, GuardActions.Allow));
                    continue;
                }
                var value = text[finding.Start..finding.End];
                if (!byValue.TryGetValue((finding.Type, value), out var placeholder))
                {
                    var number = lastNumber.GetValueOrDefault(finding.Type);
                    do
                    {
                        placeholder = Placeholder.Format(finding.Type, ++number);
                    }
                    while (taken.Contains(placeholder));
                    lastNumber[finding.Type] = number;
                    byValue[(finding.Type, value)] = placeholder;
                    entries[placeholder] = value;
                }
                builder.Append(text, position, finding.Start - position).Append(placeholder);
                position = finding.End;
                findings.Add(new GuardFinding(finding.Type, index, finding.Start, finding.End, finding.Score,
                    action == PiiAction.Block ? GuardActions.Block : GuardActions.Mask));
            }
            masked[index] = builder.Append(text, position, text.Length - position).ToString();
        }

        return new MaskingResult(masked, findings, entries);
    }
}

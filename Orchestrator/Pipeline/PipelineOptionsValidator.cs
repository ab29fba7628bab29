using AiAspire.Orchestrator.Templates;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Pipeline;

/// <summary>
/// Rejects a pipeline that cannot run: an unknown or repeated step, no "infer", no "validate" first, "format" not
/// last, a step on the wrong side of "infer" or out of order, a bad retrieval setting, a template that does not exist. Runs on start (the
/// service refuses to start) and on every reload (the last good configuration stays in force).
/// </summary>
/// <remarks>Steps must therefore not depend on <c>IOptionsMonitor&lt;PipelineOptions&gt;</c> (a dependency cycle): they read
/// <see cref="PipelineContext.Settings"/>, which the runner resolves.</remarks>
public sealed class PipelineOptionsValidator(IEnumerable<IPipelineStep> steps, TemplateCatalog templates) : IValidateOptions<PipelineOptions>
{
    private const string Infer = PipelineSteps.Infer;

    private readonly HashSet<string> _known = new(steps.Select(s => s.Name), StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        var errors = new List<string>();
        var known = string.Join(", ", _known.Order(StringComparer.Ordinal));
        foreach (var (path, profile) in options.Profiles())
        {
            if (profile is null)
            {
                continue;
            }
            foreach (var step in profile.Steps ?? [])
            {
                if (!_known.Contains(step ?? ""))
                {
                    errors.Add($"{path}:Steps names '{step}', which is not a step. Known steps: {known}.");
                }
            }
            if (profile.Steps is { } list && list.GroupBy(s => s, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                errors.Add($"{path}:Steps names '{repeated.Key}' more than once.");
            }
            if (profile.RetrieveTopK is < 1 or > 100)
            {
                errors.Add($"{path}:RetrieveTopK must be between 1 and 100.");
            }
            if (profile.RetrieveMinScore is < 0 or > 1 || profile.RetrieveMinScore is double.NaN)
            {
                errors.Add($"{path}:RetrieveMinScore must be between 0 and 1.");
            }
        }
        if (errors.Count == 0)
        {
            foreach (var (tenant, where, settings) in options.Combinations())
            {
                if (settings.Template is { } template && templates.Find(tenant, template) is null)
                {
                    errors.Add($"The pipeline for {where} names the template '{template}', which is not in the catalog (files under Templates:Directory, or Templates:Definitions).");
                }
                var infer = IndexOf(settings.Steps, Infer);
                if (infer < 0)
                {
                    errors.Add($"The pipeline for {where} has no '{Infer}' step: [{string.Join(", ", settings.Steps)}].");
                    continue;
                }
                if (!string.Equals(settings.Steps[0], PipelineSteps.Validate, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"The pipeline for {where} must start with '{PipelineSteps.Validate}', which builds the conversation the other steps work on: [{string.Join(", ", settings.Steps)}].");
                }
                var last = IndexOf(settings.Steps, PipelineSteps.Last);
                if (last >= 0 && last != settings.Steps.Count - 1)
                {
                    errors.Add($"The pipeline for {where} runs '{settings.Steps[^1]}' after '{PipelineSteps.Last}', which must be the last step: [{string.Join(", ", settings.Steps)}].");
                }
                foreach (var (before, after) in PipelineSteps.Precedence)
                {
                    var (first, second) = (IndexOf(settings.Steps, before), IndexOf(settings.Steps, after));
                    if (first >= 0 && second >= 0 && first > second)
                    {
                        errors.Add($"The pipeline for {where} runs '{after}' before '{before}'; it must come after it.");
                    }
                }
                for (var i = 0; i < settings.Steps.Count; i++)
                {
                    if (i != infer && PipelineSteps.AfterInfer.Contains(settings.Steps[i]) != i > infer)
                    {
                        errors.Add($"The pipeline for {where} runs '{settings.Steps[i]}' {(i > infer ? "after" : "before")} '{Infer}'; it belongs {(i > infer ? "before" : "after")} it.");
                    }
                }
            }
        }
        if (options.MaxMessages < 1 || options.MaxCharacters < 1)
        {
            errors.Add($"{PipelineOptions.Section}:MaxMessages and MaxCharacters must be positive.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static int IndexOf(IReadOnlyList<string> steps, string name)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (string.Equals(steps[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}

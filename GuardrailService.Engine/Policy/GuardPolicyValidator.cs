using AiAspire.GuardrailService.Content;
using AiAspire.GuardrailService.Pii;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Policy;

/// <summary>
/// A misspelt PII type in a policy would silently mask what was meant to be blocked, and a threshold above 1 would
/// silently disable detection: refuse to start instead.
/// </summary>
public sealed class GuardPolicyValidator : IValidateOptions<GuardPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, GuardPolicyOptions options)
    {
        var known = PiiTypes.All.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var errors = options.Tenants.Select(t => (Name: "Tenants:" + t.Key, Policy: t.Value))
            .Prepend((Name: "Default", Policy: options.Default))
            .SelectMany(p => p.Policy.Pii.Keys.Where(type => !known.Contains(type))
                .Select(type => $"{GuardPolicyOptions.Section}:{p.Name}:Pii names the unknown PII type '{type}'; known types: {string.Join(", ", PiiTypes.All)}."))
            .ToList();
        errors.AddRange(options.Tenants.Select(t => (Name: "Tenants:" + t.Key, Policy: t.Value))
            .Prepend((Name: "Default", Policy: options.Default))
            .Where(p => p.Policy.Injection.Threshold is < 0 or > 1 || p.Policy.Injection.DocumentThreshold is < 0 or > 1)
            .Select(p => $"{GuardPolicyOptions.Section}:{p.Name}:Injection thresholds must lie in [0, 1]."));
        var categories = ContentCategories.All.ToHashSet(StringComparer.OrdinalIgnoreCase);
        errors.AddRange(options.Tenants.Select(t => (Name: "Tenants:" + t.Key, Policy: t.Value))
            .Prepend((Name: "Default", Policy: options.Default))
            .SelectMany(p => p.Policy.Content.Categories.Keys.Where(category => !categories.Contains(category))
                .Select(category => $"{GuardPolicyOptions.Section}:{p.Name}:Content:Categories names the unknown category '{category}'; known categories: {string.Join(", ", ContentCategories.All)}.")));
        errors.AddRange(options.Tenants.Select(t => (Name: "Tenants:" + t.Key, Policy: t.Value))
            .Prepend((Name: "Default", Policy: options.Default))
            .Where(p => p.Policy.Content.Threshold is < 0 or > 1)
            .Select(p => $"{GuardPolicyOptions.Section}:{p.Name}:Content:Threshold must lie in [0, 1]."));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

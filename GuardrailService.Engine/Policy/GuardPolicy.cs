using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Policy;

/// <summary>Resolves a tenant's rules: the tenant's own entry first, then the default policy, then <see cref="PiiAction.Mask"/>.</summary>
public sealed class GuardPolicy(IOptionsMonitor<GuardPolicyOptions> options)
{
    public PiiAction PiiActionFor(string tenant, string type)
    {
        var current = options.CurrentValue;
        var own = current.Tenants.GetValueOrDefault(tenant);
        if (own is not null && own.Pii.TryGetValue(type, out var action))
        {
            return action;
        }
        if (own?.PiiDefault is { } ownDefault)
        {
            return ownDefault;
        }
        if (current.Default.Pii.TryGetValue(type, out action))
        {
            return action;
        }
        return current.Default.PiiDefault ?? PiiAction.Mask;
    }

    /// <summary>The tenant's injection action and thresholds (user messages, retrieved documents).</summary>
    public (InjectionAction Action, double Threshold, double DocumentThreshold) InjectionFor(string tenant)
    {
        var current = options.CurrentValue;
        var own = current.Tenants.GetValueOrDefault(tenant)?.Injection;
        var fallback = current.Default.Injection;
        var action = own?.Action ?? fallback.Action ?? InjectionAction.Block;
        var threshold = own?.Threshold ?? fallback.Threshold ?? InjectionPolicy.DefaultThreshold;
        var documentThreshold = own?.DocumentThreshold ?? own?.Threshold ?? fallback.DocumentThreshold ?? fallback.Threshold ?? InjectionPolicy.DefaultThreshold;
        return (action, threshold, documentThreshold);
    }

    /// <summary>The tenant's action for a content category (tenant, then default policy, then block) and its threshold.</summary>
    public (ContentAction Action, double Threshold) ContentFor(string tenant, string category)
    {
        var current = options.CurrentValue;
        var own = current.Tenants.GetValueOrDefault(tenant)?.Content;
        var fallback = current.Default.Content;
        ContentAction action;
        if (own is not null && own.Categories.TryGetValue(category, out var ownAction))
        {
            action = ownAction;
        }
        else if (own?.CategoryDefault is { } ownDefault)
        {
            action = ownDefault;
        }
        else if (fallback.Categories.TryGetValue(category, out var defaultAction))
        {
            action = defaultAction;
        }
        else
        {
            action = fallback.CategoryDefault ?? ContentAction.Block;
        }
        return (action, own?.Threshold ?? fallback.Threshold ?? ContentPolicy.DefaultThreshold);
    }
}

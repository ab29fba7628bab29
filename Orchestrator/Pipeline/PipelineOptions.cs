namespace AiAspire.Orchestrator.Pipeline;

/// <summary>
/// The prompt pipeline: a default profile, overridden per route (the model or alias a request names) and per tenant
/// (and per route within a tenant). Hot-reloaded; checked on start and on every reload by <see cref="PipelineOptionsValidator"/>.
/// </summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>What every request gets unless a route or tenant profile says otherwise.</summary>
    /// <remarks>Fields left unset fall back to <see cref="DefaultSteps"/> and the other built-in values (lists bound onto a
    /// pre-filled list would be appended to, so nothing here is pre-filled).</remarks>
    public PipelineProfile Default { get; set; } = new();

    public static IReadOnlyList<string> DefaultSteps => PipelineSteps.All;

    /// <summary>Overrides by route: the <c>model</c> a request names (an alias such as "smart", or a deployment).</summary>
    public Dictionary<string, PipelineProfile> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Overrides by tenant; they win over route overrides, and a tenant's own route overrides win over both.</summary>
    public Dictionary<string, TenantPipelineProfile> Tenants { get; set; } = new(StringComparer.Ordinal);

    public int MaxMessages { get; set; } = 256;

    public int MaxCharacters { get; set; } = 512_000;

    /// <summary>The route a request without <c>model</c> is filed under.</summary>
    public const string DefaultRoute = "default";

    /// <summary>The settings for one request: default ← route ← tenant ← tenant's route, each field taken from the most specific profile that sets it.</summary>
    public PipelineSettings Resolve(string tenant, string? route)
    {
        route ??= DefaultRoute;
        var profiles = new List<PipelineProfile> { Default };
        if (Routes.TryGetValue(route, out var byRoute))
        {
            profiles.Add(byRoute);
        }
        if (Tenants.TryGetValue(tenant, out var byTenant))
        {
            profiles.Add(byTenant);
            if (byTenant.Routes.TryGetValue(route, out var byTenantRoute))
            {
                profiles.Add(byTenantRoute);
            }
        }

        var merged = new PipelineProfile();
        foreach (var profile in profiles)
        {
            merged.Steps = profile.Steps ?? merged.Steps;
            merged.DefaultCollection = profile.DefaultCollection ?? merged.DefaultCollection;
            merged.RetrieveTopK = profile.RetrieveTopK ?? merged.RetrieveTopK;
            merged.RetrieveMinScore = profile.RetrieveMinScore ?? merged.RetrieveMinScore;
            merged.Template = profile.Template ?? merged.Template;
        }
        return new PipelineSettings(
            merged.Steps ?? [.. DefaultSteps],
            merged.DefaultCollection ?? "default",
            merged.RetrieveTopK ?? 4,
            merged.RetrieveMinScore ?? 0.25,
            merged.Template,
            MaxMessages,
            MaxCharacters);
    }

    /// <summary>Every profile with a name for messages ("Pipeline:Tenants:acme:Routes:smart").</summary>
    internal IEnumerable<(string Path, PipelineProfile Profile)> Profiles()
    {
        yield return ($"{Section}:Default", Default);
        foreach (var (route, profile) in Routes)
        {
            yield return ($"{Section}:Routes:{route}", profile);
        }
        foreach (var (tenant, profile) in Tenants)
        {
            yield return ($"{Section}:Tenants:{tenant}", profile);
            foreach (var (route, routeProfile) in profile.Routes)
            {
                yield return ($"{Section}:Tenants:{tenant}:Routes:{route}", routeProfile);
            }
        }
    }

    /// <summary>Every tenant × route combination a request can resolve to, to check each resolved step list.</summary>
    internal IEnumerable<(string Tenant, string Where, PipelineSettings Settings)> Combinations()
    {
        var routes = Routes.Keys.Concat(Tenants.Values.SelectMany(t => t.Routes.Keys)).Append(DefaultRoute)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var tenant in Tenants.Keys.Append("").Distinct(StringComparer.Ordinal))
        {
            foreach (var route in routes)
            {
                var where = tenant.Length == 0 ? $"route '{route}'" : $"tenant '{tenant}', route '{route}'";
                yield return (tenant, where, Resolve(tenant, route));
            }
        }
    }
}

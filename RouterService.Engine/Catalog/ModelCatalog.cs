using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Catalog;

/// <summary>Resolves names to deployments and routes from the live configuration.</summary>
public sealed class ModelCatalog(IOptionsMonitor<CatalogOptions> options, IConfiguration configuration)
{
    public static readonly IReadOnlySet<string> KnownProviders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ProviderNames.Offline, ProviderNames.OpenAI, ProviderNames.OpenAICompatible, ProviderNames.AzureOpenAI, ProviderNames.Anthropic,
    };

    // Options are rebound into a new instance on every configuration reload, so one resolution per instance stays current.
    private readonly ConditionalWeakTable<CatalogOptions, IReadOnlyDictionary<string, Deployment>> _resolved = new();

    public CatalogOptions Current => options.CurrentValue;

    public IEnumerable<Deployment> Deployments() => Resolved().Values;

    /// <summary>The deployment named <paramref name="name"/> in any case, under the name the catalog spells it.</summary>
    public Deployment? FindDeployment(string name) =>
        Resolved().TryGetValue(name, out var deployment) ? deployment : null;

    private IReadOnlyDictionary<string, Deployment> Resolved() =>
        _resolved.GetValue(Current, current => current.Deployments.ToDictionary(
            entry => entry.Key, entry => Resolve(entry.Key, entry.Value), StringComparer.OrdinalIgnoreCase));

    public RouteOptions? FindRoute(string name) =>
        Current.Routes.TryGetValue(name, out var route) ? route : null;

    /// <summary>The route's listed candidates, then the deployments carrying one of its tags (in catalog order).</summary>
    public IEnumerable<string> CandidatesOf(RouteOptions route) =>
        route.Tags.Count == 0
            ? route.Candidates
            : route.Candidates.Concat(Current.Deployments.Where(d => route.Tags.Any(t => d.Value.Tags.Contains(t, StringComparer.OrdinalIgnoreCase))).Select(d => d.Key));

    private Deployment Resolve(string name, DeploymentOptions deployment)
    {
        var credential = string.IsNullOrWhiteSpace(deployment.Credential)
            ? null
            : configuration.GetSection($"{"Providers"}:{deployment.Credential}");
        var apiKey = FirstNonEmpty(deployment.ApiKey, credential?["ApiKey"]);
        var endpoint = FirstNonEmpty(deployment.Endpoint, credential?["Endpoint"]);

        string? unavailable = null;
        if (!deployment.Enabled)
        {
            unavailable = "disabled in the catalog";
        }
        else if (!KnownProviders.Contains(deployment.Provider))
        {
            unavailable = $"unknown provider '{deployment.Provider}'";
        }
        else if (!DeploymentAuth.IsEntraId(deployment) && !string.Equals(deployment.Auth, DeploymentAuth.ApiKey, StringComparison.OrdinalIgnoreCase))
        {
            unavailable = $"unknown auth '{deployment.Auth}' (use {DeploymentAuth.ApiKey} or {DeploymentAuth.EntraId})";
        }
        else if (DeploymentAuth.IsEntraId(deployment) && !string.Equals(deployment.Provider, ProviderNames.AzureOpenAI, StringComparison.OrdinalIgnoreCase))
        {
            unavailable = $"{DeploymentAuth.EntraId} auth is for {ProviderNames.AzureOpenAI} deployments only";
        }
        else if (deployment.Provider != ProviderNames.Offline && !DeploymentAuth.IsEntraId(deployment) && apiKey is null)
        {
            unavailable = $"no API key (set Providers:{deployment.Credential ?? "<name>"}:ApiKey)";
        }
        else if (deployment.Provider is ProviderNames.OpenAICompatible or ProviderNames.AzureOpenAI && endpoint is null)
        {
            unavailable = "no endpoint";
        }
        else if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            unavailable = $"endpoint '{endpoint}' is not an absolute URL";
        }

        return new Deployment(name, deployment, apiKey, endpoint, unavailable);
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}

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

    public CatalogOptions Current => options.CurrentValue;

    public IEnumerable<Deployment> Deployments() =>
        Current.Deployments.Select(entry => Resolve(entry.Key, entry.Value));

    /// <summary>The deployment named <paramref name="name"/> in any case, under the name the catalog spells it.</summary>
    public Deployment? FindDeployment(string name)
    {
        var deployments = Current.Deployments;
        return deployments.TryGetValue(name, out var deployment)
            ? Resolve(deployments.Keys.First(key => deployments.Comparer.Equals(key, name)), deployment)
            : null;
    }

    public RouteOptions? FindRoute(string name) =>
        Current.Routes.TryGetValue(name, out var route) ? route : null;

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
        else if (deployment.Provider is ProviderNames.AzureOpenAI or ProviderNames.Anthropic)
        {
            unavailable = $"the {deployment.Provider} adapter is not built yet";
        }
        else if (deployment.Provider != ProviderNames.Offline && apiKey is null)
        {
            unavailable = $"no API key (set Providers:{deployment.Credential ?? "<name>"}:ApiKey)";
        }
        else if (deployment.Provider == ProviderNames.OpenAICompatible && endpoint is null)
        {
            unavailable = "no endpoint";
        }

        return new Deployment(name, deployment, apiKey, endpoint, unavailable);
    }

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value));
}

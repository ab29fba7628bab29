using AiAspire.RouterService.Catalog;
using Microsoft.Extensions.Configuration;

namespace AiAspire.RouterService.Tests.Catalog;

public sealed class ModelCatalogTests
{
    private static ModelCatalog CatalogOf(Dictionary<string, DeploymentOptions> deployments, Dictionary<string, string?>? configuration = null)
    {
        var options = new CatalogOptions();
        foreach (var (name, deployment) in deployments)
        {
            options.Deployments[name] = deployment;
        }
        return new ModelCatalog(
            new TestOptionsMonitor<CatalogOptions>(options),
            new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
    }

    private static Deployment Resolve(DeploymentOptions deployment, Dictionary<string, string?>? configuration = null) =>
        CatalogOf(new() { ["model"] = deployment }, configuration).FindDeployment("model")!;

    [Fact]
    public void FindDeployment_OfflineProvider_IsAvailableWithoutAnyKey()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.Offline });

        Assert.True(deployment.IsAvailable);
        Assert.Null(deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_CredentialName_TakesKeyAndEndpointFromTheProvidersSection()
    {
        var deployment = Resolve(
            new DeploymentOptions { Provider = ProviderNames.OpenAICompatible, Credential = "Lab" },
            new() { ["Providers:Lab:ApiKey"] = "sk-lab", ["Providers:Lab:Endpoint"] = "http://127.0.0.1:1/v1" });

        Assert.True(deployment.IsAvailable);
        Assert.Equal(("sk-lab", "http://127.0.0.1:1/v1"), (deployment.ApiKey, deployment.Endpoint));
    }

    [Fact]
    public void FindDeployment_InlineKeyAndEndpoint_WinOverTheCredential()
    {
        var deployment = Resolve(
            new DeploymentOptions { Provider = ProviderNames.OpenAICompatible, Credential = "Lab", ApiKey = "sk-inline", Endpoint = "http://127.0.0.1:2/v1" },
            new() { ["Providers:Lab:ApiKey"] = "sk-lab", ["Providers:Lab:Endpoint"] = "http://127.0.0.1:1/v1" });

        Assert.Equal(("sk-inline", "http://127.0.0.1:2/v1"), (deployment.ApiKey, deployment.Endpoint));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void FindDeployment_OpenAIWithoutAKey_IsUnavailableNamingTheSettingToSet(string? key)
    {
        var deployment = Resolve(
            new DeploymentOptions { Provider = ProviderNames.OpenAI, Credential = "OpenAI" },
            new() { ["Providers:OpenAI:ApiKey"] = key });

        Assert.False(deployment.IsAvailable);
        Assert.Equal("no API key (set Providers:OpenAI:ApiKey)", deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_OpenAICompatibleWithoutEndpoint_IsUnavailable()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.OpenAICompatible, ApiKey = "sk" });

        Assert.Equal("no endpoint", deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_Disabled_IsUnavailableEvenWithEverythingSet()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.Offline, Enabled = false });

        Assert.Equal("disabled in the catalog", deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_UnknownProvider_IsUnavailableWithTheReason()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = "cohere", ApiKey = "sk", Endpoint = "http://127.0.0.1:1/v1" });

        Assert.Equal("unknown provider 'cohere'", deployment.UnavailableReason);
    }

    [Theory]
    [InlineData(ProviderNames.AzureOpenAI)]
    [InlineData(ProviderNames.Anthropic)]
    public void FindDeployment_AzureOpenAIOrAnthropicWithKeyAndEndpoint_IsAvailable(string provider)
    {
        var deployment = Resolve(new DeploymentOptions { Provider = provider, ApiKey = "sk", Endpoint = "http://127.0.0.1:1" });

        Assert.True(deployment.IsAvailable, deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_AzureOpenAIWithoutEndpoint_IsUnavailable()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.AzureOpenAI, ApiKey = "sk" });

        Assert.Equal("no endpoint", deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_AnthropicWithoutEndpoint_IsAvailableOnTheSdksDefaultAddress()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.Anthropic, ApiKey = "sk" });

        Assert.True(deployment.IsAvailable, deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_EndpointThatIsNotAnAbsoluteUrl_IsUnavailableNamingIt()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.OpenAICompatible, ApiKey = "sk", Endpoint = "localhost-ish" });

        Assert.Equal("endpoint 'localhost-ish' is not an absolute URL", deployment.UnavailableReason);
    }

    [Fact]
    public void FindDeployment_ModelId_DefaultsToTheDeploymentName()
    {
        var catalog = CatalogOf(new()
        {
            ["plain"] = new DeploymentOptions { Provider = ProviderNames.Offline },
            ["aliased"] = new DeploymentOptions { Provider = ProviderNames.Offline, ModelId = "vendor-model-2024" },
        });

        Assert.Equal("plain", catalog.FindDeployment("plain")!.ModelId);
        Assert.Equal("vendor-model-2024", catalog.FindDeployment("aliased")!.ModelId);
    }

    [Fact]
    public void Cost_PricesInputAndOutputPerMillionTokens()
    {
        var deployment = Resolve(new DeploymentOptions { Provider = ProviderNames.Offline, InputPricePer1M = 2.50m, OutputPricePer1M = 10m });

        Assert.Equal(0.0075m, deployment.Cost(1_000, 500));
    }
}

using System.Collections.Concurrent;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Providers;
using AiAspire.RouterService.Tests.Resilience;
using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Providers;

/// <summary>Azure OpenAI deployments that authenticate with Microsoft Entra ID tokens instead of a key.</summary>
public sealed class AzureEntraIdTests
{
    private const string Token = "entra-access-token-for-tests";

    private sealed class FakeTokenCredential : TokenCredential
    {
        public ConcurrentQueue<string[]> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Enqueue(requestContext.Scopes);
            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class FakeCredentials(FakeTokenCredential credential) : IAzureTokenCredentials
    {
        public ConcurrentQueue<string?> ClientIds { get; } = new();

        public TokenCredential Get(string? managedIdentityClientId)
        {
            ClientIds.Enqueue(managedIdentityClientId);
            return credential;
        }
    }

    [Fact]
    public async Task Complete_EntraIdDeployment_SendsTheBearerTokenAndNoApiKey()
    {
        var azure = new FakeAzureOpenAIServer("the-key-nobody-sends") { BearerToken = Token };
        var credential = new FakeTokenCredential();
        var credentials = new FakeCredentials(credential);
        await using var router = await ResilientRouter.StartAsync([("gpt-eu", azure)], new()
        {
            ["Catalog:Deployments:gpt-eu:ApiKey"] = "",
            ["Catalog:Deployments:gpt-eu:Auth"] = "EntraId",
            ["Catalog:Deployments:gpt-eu:ManagedIdentityClientId"] = "00000000-0000-0000-0000-0000000000aa",
        }, services => services.Replace(ServiceDescriptor.Singleton<IAzureTokenCredentials>(credentials)));
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("gpt-eu", "hello"));

        Assert.Equal(FakeAzureOpenAIServer.ReplyFrom("gpt-eu"), response.Text);
        var (apiKey, authorization) = Assert.Single(azure.Credentials);
        Assert.Null(apiKey);
        Assert.Equal($"Bearer {Token}", authorization);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes.First());
        Assert.Equal(["00000000-0000-0000-0000-0000000000aa"], credentials.ClientIds);
    }

    [Fact]
    public async Task Complete_KeyDeployment_SendsTheApiKeyAndNoBearerToken()
    {
        var azure = new FakeAzureOpenAIServer("sk-test") { BearerToken = Token };
        await using var router = await ResilientRouter.StartAsync([("gpt-eu", azure)]);
        using var client = router.CreateClient();

        await CompleteAsync(client, Ask("gpt-eu", "hello"));

        Assert.Equal(("sk-test", (string?)null), Assert.Single(azure.Credentials));
    }

    [Theory]
    [InlineData("azure-openai", "EntraId", null, null)]
    [InlineData("azure-openai", "entraid", null, null)]
    [InlineData("openai", "EntraId", null, "EntraId auth is for azure-openai deployments only")]
    [InlineData("azure-openai", "Certificate", null, "unknown auth 'Certificate' (use ApiKey or EntraId)")]
    [InlineData("azure-openai", "ApiKey", null, "no API key (set Providers:<name>:ApiKey)")]
    public void Catalog_EntraIdNeedsNoKeyButOnlyAzureHasIt(string provider, string auth, string? key, string? unavailable)
    {
        var options = new CatalogOptions();
        options.Deployments["d"] = new DeploymentOptions { Provider = provider, Endpoint = "https://example.openai.azure.com/", Auth = auth, ApiKey = key };
        var catalog = new ModelCatalog(new TestOptionsMonitor<CatalogOptions>(options), new ConfigurationBuilder().Build());

        Assert.Equal(unavailable, catalog.FindDeployment("d")!.UnavailableReason);
    }
}

using Azure.Core;

namespace AiAspire.RouterService.Providers;

/// <summary>Where Entra ID tokens for azure-openai deployments come from; a seam so tests can hand out their own.</summary>
public interface IAzureTokenCredentials
{
    /// <param name="managedIdentityClientId">A user-assigned managed identity's client id, or null for the default chain.</param>
    TokenCredential Get(string? managedIdentityClientId);
}

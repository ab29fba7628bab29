namespace AiAspire.RouterService.Catalog;

/// <summary>Values of <see cref="DeploymentOptions.Auth"/>.</summary>
public static class DeploymentAuth
{
    public const string ApiKey = "ApiKey";

    /// <summary>A Microsoft Entra ID bearer token (managed identity, workload identity, Azure CLI, …), for azure-openai.</summary>
    public const string EntraId = "EntraId";

    public static bool IsEntraId(DeploymentOptions options) => string.Equals(options.Auth, EntraId, StringComparison.OrdinalIgnoreCase);
}

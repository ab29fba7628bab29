namespace AiAspire.AppHost.Extensions;

public static class ParameterExtensions
{
    public const string DevApiKey = "sk-aiaspire-dev";

    /// <summary>Provider credentials RouterService may use; each is optional.</summary>
    private static readonly (string Parameter, string Environment, bool Secret)[] ProviderSettings =
    [
        ("openai-api-key", "Providers__OpenAI__ApiKey", true),
        ("azure-openai-endpoint", "Providers__AzureOpenAI__Endpoint", false),
        ("azure-openai-api-key", "Providers__AzureOpenAI__ApiKey", true),
        ("anthropic-api-key", "Providers__Anthropic__ApiKey", true),
    ];

    /// <summary>
    /// The gateway's bootstrap key (tenant <c>dev</c>, every scope). Run mode defaults it to <see cref="DevApiKey"/>
    /// unless <c>Parameters:dev-api-key</c> is set; publish mode has no default, so a deployment must supply one.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddDevApiKey(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration["Parameters:dev-api-key"]))
        {
            builder.Configuration["Parameters:dev-api-key"] = DevApiKey;
        }
        return builder.AddParameter("dev-api-key", secret: true);
    }

    /// <summary>
    /// The secret the gateway signs internal identity headers with and every service verifies them with
    /// (generated once and kept in user secrets in run mode; a deployment parameter when publishing).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddInternalSecret(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("internal-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

    /// <summary>Services accept the tenant header only when the gateway's signature over it verifies with this secret.</summary>
    public static IResourceBuilder<ProjectResource> WithInternalSecret(this IResourceBuilder<ProjectResource> project, IResourceBuilder<ParameterResource> secret) =>
        project.WithEnvironment("Internal__Secret", secret);

    /// <summary>
    /// Passes each provider credential that is configured (<c>Parameters:&lt;name&gt;</c>) to the project. When publishing,
    /// every one is declared so the deployment can set it; an unset one is simply an unused provider.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithProviderCredentials(this IResourceBuilder<ProjectResource> project)
    {
        var builder = project.ApplicationBuilder;
        foreach (var (name, environment, secret) in ProviderSettings)
        {
            if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration[$"Parameters:{name}"]))
            {
                continue;
            }
            project.WithEnvironment(environment, builder.AddParameter(name, secret: secret));
        }
        return project;
    }

    /// <summary>Pins the project's http endpoint to <paramref name="port"/> on the host; 0 leaves it to Aspire.</summary>
    public static IResourceBuilder<ProjectResource> WithPublicPort(this IResourceBuilder<ProjectResource> project, int port) =>
        port == 0 ? project : project.WithEndpoint("http", endpoint => endpoint.Port = port);
}

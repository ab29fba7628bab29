using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>What the privacy tests read from the running app model: its Redis, its secrets, its resources' logs.</summary>
internal static class PlatformApp
{
    /// <summary>The project resources of the app model (every service of the platform).</summary>
    public static readonly string[] Services = ["gateway", "orchestrator", "routerservice", "guardrailservice", "ragservice", "feedbackworker"];

    public static async Task<string> RedisConnectionStringAsync(this PlatformFixture platform) =>
        await platform.App.GetConnectionStringAsync("cache") ?? throw new InvalidOperationException("The app model has no 'cache' connection string.");

    /// <summary>The value of a parameter resource of the app model (e.g. the generated <c>internal-secret</c>).</summary>
    public static async Task<string> ParameterValueAsync(this PlatformFixture platform, string name)
    {
        var model = platform.App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == name);
        return await parameter.GetValueAsync(CancellationToken.None) ?? throw new InvalidOperationException($"Parameter {name} has no value.");
    }
}

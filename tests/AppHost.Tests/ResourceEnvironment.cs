using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AiAspire.AppHost.Tests;

internal static class ResourceEnvironment
{
    /// <summary>The model's resource of that name.</summary>
    public static IResource Named(IDistributedApplicationTestingBuilder builder, string name) => builder.Resources.Single(r => r.Name == name);

    /// <summary>The environment of the model's resource of that name as publishing would see it, without starting anything.</summary>
    public static Task<Dictionary<string, string>> OfAsync(IDistributedApplicationTestingBuilder builder, string name) =>
        OfAsync(Named(builder, name), DistributedApplicationOperation.Publish);

    /// <summary>A resource's environment as the given operation would see it, without starting anything.</summary>
    public static async Task<Dictionary<string, string>> OfAsync(IResource resource, DistributedApplicationOperation operation)
    {
        // Obsolete in favour of ExecutionConfigurationBuilder, whose use needs a running execution context;
        // this remains the way to read an unstarted model's environment.
#pragma warning disable CS0618
        return await ((IResourceWithEnvironment)resource).GetEnvironmentVariableValuesAsync(operation);
#pragma warning restore CS0618
    }
}

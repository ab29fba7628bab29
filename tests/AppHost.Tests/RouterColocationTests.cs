using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AiAspire.AppHost.Extensions;
using AiAspire.TestKit;

namespace AiAspire.AppHost.Tests;

/// <summary><c>Orchestrator:ColocateRouter</c>: the orchestrator runs the router's engine with the router's configuration.</summary>
public sealed class RouterColocationTests
{
    [Fact]
    public async Task ColocatedRouter_IsOffByDefault()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(["--Infrastructure:Mode=containers"]);

        var orchestrator = await ResourceEnvironment.OfAsync(builder, "orchestrator");

        Assert.DoesNotContain("Colocation__Router", orchestrator.Keys);
        Assert.DoesNotContain(orchestrator.Keys, key => key.StartsWith("Catalog__", StringComparison.Ordinal) || key.StartsWith("Providers__", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ColocatedRouter_WhenConfigured_GetsEveryRouterSetting_AlsoThoseAddedLater()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=containers", $"--{RouterColocation.Setting}=true", "--Parameters:anthropic-api-key=sk-ant-test"]);
        // As tests and the platform benchmark configure the router: on its resource, after AppHost built the model.
        builder.CreateResourceBuilder<ProjectResource>("routerservice")
            .WithEnvironment("Catalog__Deployments__fake__Endpoint", "http://127.0.0.1:9/v1")
            .WithEnvironment("Router__MaxRetries", "0");

        var router = await ResourceEnvironment.OfAsync(builder, "routerservice");
        var orchestrator = await ResourceEnvironment.OfAsync(builder, "orchestrator");

        Assert.Equal("true", orchestrator["Colocation__Router"]);
        Assert.Equal("http://127.0.0.1:9/v1", orchestrator["Catalog__Deployments__fake__Endpoint"]);
        Assert.Equal("0", orchestrator["Router__MaxRetries"]);
        var credentials = router.Where(e => e.Key.StartsWith("Providers__", StringComparison.Ordinal)).ToList();
        Assert.Contains(credentials, credential => credential.Key == "Providers__Anthropic__ApiKey"); // run mode declares the credentials given
        Assert.All(credentials, credential => Assert.Equal(credential.Value, orchestrator[credential.Key]));
    }

    [Fact]
    public async Task WithColocatedRouter_ForwardsTheRoutersSections_AndNothingElse()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--Infrastructure:Mode=containers", $"--{RouterColocation.Setting}=true"]);
        var router = builder.AddProject("router-under-test", Path.Combine(RepositoryPaths.Root, "RouterService", "RouterService.csproj"))
            .WithEnvironment("Catalog__DefaultRoute", "fast")
            .WithEnvironment("Router__Deadline", "00:00:30")
            .WithEnvironment("Providers__OpenAI__ApiKey", "sk-forwarded")
            .WithEnvironment("Internal__Secret", "router-only");
        var orchestrator = builder.AddProject("orchestrator-under-test", Path.Combine(RepositoryPaths.Root, "Orchestrator", "Orchestrator.csproj"))
            .WithColocatedRouter(router);

        var environment = await ResourceEnvironment.OfAsync(orchestrator.Resource, DistributedApplicationOperation.Publish);

        Assert.Equal("true", environment["Colocation__Router"]);
        Assert.Equal("fast", environment["Catalog__DefaultRoute"]);
        Assert.Equal("00:00:30", environment["Router__Deadline"]);
        Assert.Equal("sk-forwarded", environment["Providers__OpenAI__ApiKey"]);
        Assert.DoesNotContain("Internal__Secret", environment.Keys);
    }

}

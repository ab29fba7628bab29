using AiAspire.Contracts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.RouterService.Tests.Api;

/// <summary>
/// The service with a short attempt timeout, in front of an upstream that never answers (<c>stalling</c>) and one whose
/// stream breaks after its first tokens (<c>halting</c>); both routes fall back to the offline <c>local</c>.
/// </summary>
public sealed class UnreliableUpstreamApp : IAsyncLifetime
{
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    public MisbehavingOpenAIServer Stalling { get; } = new(Misbehavior.Stall);

    public MisbehavingOpenAIServer Halting { get; } = new(Misbehavior.BreakMidStream);

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Stalling.InitializeAsync(), Halting.InitializeAsync());
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting("Router:AttemptTimeout", AttemptTimeout.ToString())
            .UseSetting("Router:MaxRetries", "0")
            .UseSetting("Router:BreakerFailureThreshold", "0")
            .UseSetting("Catalog:Deployments:stalling:Provider", "openai-compatible")
            .UseSetting("Catalog:Deployments:stalling:Endpoint", Stalling.V1Endpoint)
            .UseSetting("Catalog:Deployments:stalling:ApiKey", RouterApp.ApiKey)
            .UseSetting("Catalog:Deployments:halting:Provider", "openai-compatible")
            .UseSetting("Catalog:Deployments:halting:Endpoint", Halting.V1Endpoint)
            .UseSetting("Catalog:Deployments:halting:ApiKey", RouterApp.ApiKey)
            .UseSetting("Catalog:Routes:stall-then-local:Candidates:0", "stalling")
            .UseSetting("Catalog:Routes:stall-then-local:Candidates:1", "local")
            .UseSetting("Catalog:Routes:break-then-local:Candidates:0", "halting")
            .UseSetting("Catalog:Routes:break-then-local:Candidates:1", "local"));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Task.WhenAll(Stalling.DisposeAsync(), Halting.DisposeAsync());
    }

    public HttpClient CreateClient()
    {
        var client = Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");
        return client;
    }
}

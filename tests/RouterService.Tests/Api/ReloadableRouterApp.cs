using System.Text.Json;
using System.Text.Json.Nodes;
using AiAspire.Contracts;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace AiAspire.RouterService.Tests.Api;

/// <summary>
/// The service reading its catalog from a JSON file under a temp folder, watched for changes the way appsettings.json
/// is, so tests can edit the catalog on disk while the service runs.
/// </summary>
public sealed class ReloadableRouterApp : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public FakeOpenAIServer Upstream { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    private string CatalogPath => Path.Combine(_directory.Path, "catalog.json");

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        WriteCatalog(new JsonObject());
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("Logging:LogLevel:Default", "Warning")
            .UseSetting("Providers:OpenAI:ApiKey", "")
            .ConfigureAppConfiguration((_, configuration) => configuration.AddJsonFile(CatalogPath, optional: false, reloadOnChange: true)));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Upstream.DisposeAsync();
        _directory.Dispose();
    }

    public HttpClient CreateClient()
    {
        var client = Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-a");
        return client;
    }

    /// <summary>A deployment on the fake upstream, as it is written in the catalog.</summary>
    public JsonObject UpstreamDeployment(string modelId) => new()
    {
        ["Provider"] = "openai-compatible",
        ["Endpoint"] = Upstream.V1Endpoint,
        ["ApiKey"] = RouterApp.ApiKey,
        ["ModelId"] = modelId,
    };

    /// <summary>Replaces the file in one rename, so the watcher never reads it half-written.</summary>
    public void WriteCatalog(JsonObject deployments, JsonObject? routes = null)
    {
        var document = new JsonObject
        {
            ["Catalog"] = new JsonObject { ["Deployments"] = deployments, ["Routes"] = routes ?? new JsonObject() },
        };
        var staging = CatalogPath + ".next";
        File.WriteAllText(staging, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(staging, CatalogPath, overwrite: true);
    }
}

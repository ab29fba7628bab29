using System.Net;
using AiAspire.Contracts;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.RouterService.Tests.Api;

/// <summary>
/// The real service in memory, its catalog pointing at fake OpenAI-compatible upstreams on 127.0.0.1:
/// <c>echo</c> and <c>backup</c> (tier 2) answer, <c>broken</c> and <c>broken-too</c> always fail with 500, <c>keyless</c> has no API key;
/// routes are priority routes except <c>tiered</c> (quality: backup, then echo).
/// </summary>
public sealed class RouterApp : IAsyncLifetime
{
    public const string ApiKey = "sk-test-router";
    public const string EchoModel = "echo-model";
    public const int EchoMaxOutputTokens = 64;
    public const decimal EchoInputPricePer1M = 2m;
    public const decimal EchoOutputPricePer1M = 8m;

    public FakeOpenAIServer Echo { get; } = new();

    public FakeOpenAIServer Backup { get; } = new();

    public FakeOpenAIServer Broken { get; } = new() { FailWith = HttpStatusCode.InternalServerError };

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Echo.InitializeAsync(), Backup.InitializeAsync(), Broken.InitializeAsync());
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Router:AttemptTimeout"] = "00:00:20",
            // These tests specify fallback, call by call; retries and the circuit breaker are specified in ResilienceTests.
            ["Router:MaxRetries"] = "0",
            ["Router:BreakerFailureThreshold"] = "0",
            // Pinned empty so a key in the machine's environment cannot make the appsettings deployments callable.
            ["Providers:OpenAI:ApiKey"] = "",
        };
        AddDeployment(settings, "echo", Echo, ApiKey, modelId: EchoModel);
        settings["Catalog:Deployments:echo:MaxOutputTokens"] = EchoMaxOutputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Catalog:Deployments:echo:InputPricePer1M"] = "2";
        settings["Catalog:Deployments:echo:OutputPricePer1M"] = "8";
        AddDeployment(settings, "backup", Backup, ApiKey);
        AddDeployment(settings, "broken", Broken, ApiKey);
        AddDeployment(settings, "broken-too", Broken, ApiKey);
        AddDeployment(settings, "keyless", Echo, apiKey: null);
        AddRoute(settings, "resilient", "broken", "backup");
        AddRoute(settings, "to-local", "broken", "local");
        AddRoute(settings, "doomed", "broken", "broken-too");
        AddRoute(settings, "keyless-first", "keyless", "echo");
        AddRoute(settings, "keyless-only", "keyless");
        settings["Catalog:Deployments:backup:Tier"] = "2";
        AddRoute(settings, "tiered", "echo", "backup");
        settings["Catalog:Routes:tiered:Strategy"] = "quality";

        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Task.WhenAll(Echo.DisposeAsync(), Backup.DisposeAsync(), Broken.DisposeAsync());
    }

    public HttpClient CreateClient(string? tenant = "tenant-a")
    {
        var client = Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        }
        return client;
    }

    private static void AddDeployment(Dictionary<string, string> settings, string name, FakeOpenAIServer upstream, string? apiKey, string? modelId = null)
    {
        var prefix = $"Catalog:Deployments:{name}:";
        settings[prefix + "Provider"] = "openai-compatible";
        settings[prefix + "Endpoint"] = upstream.V1Endpoint;
        if (apiKey is not null)
        {
            settings[prefix + "ApiKey"] = apiKey;
        }
        if (modelId is not null)
        {
            settings[prefix + "ModelId"] = modelId;
        }
    }

    private static void AddRoute(Dictionary<string, string> settings, string name, params string[] candidates)
    {
        settings[$"Catalog:Routes:{name}:Strategy"] = "priority";
        for (var i = 0; i < candidates.Length; i++)
        {
            settings[$"Catalog:Routes:{name}:Candidates:{i}"] = candidates[i];
        }
    }
}

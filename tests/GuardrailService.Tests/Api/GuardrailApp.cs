using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>The real service in memory, with its vault on a throwaway redis-server.</summary>
public sealed class GuardrailApp : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
            builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString)
                .UseSetting("Logging:LogLevel:Default", "Warning"));
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Redis.DisposeAsync();
    }

    public HttpClient CreateClient(string? tenant)
    {
        var client = Factory.CreateClient();
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(AiAspire.Contracts.AiAspireHeaders.Tenant, tenant);
        }
        return client;
    }
}

using AiAspire.Contracts;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>The whole FeedbackWorker in memory (consumer included), on a throwaway redis-server.</summary>
public sealed class FeedbackWorkerApp : IAsyncLifetime
{
    private sealed class Factory(RedisServer redis, string scratch) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", redis.ConnectionString);
            builder.UseSetting("EventBus:IdlePollInterval", "00:00:00.050");
            builder.UseSetting("EventBus:MaxRetryDelay", "00:00:01");
            builder.UseSetting("EventBus:SpillPath", Path.Combine(scratch, "spill"));
            builder.UseSetting("Datasets:Path", Path.Combine(scratch, "datasets"));
        }
    }

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "aiaspire-feedbackworker-" + Guid.NewGuid().ToString("N"));
    private Factory? _factory;

    public RedisServer Redis { get; } = new();

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        _factory = new Factory(Redis, _scratch);
        _ = _factory.Server; // starts the host, and with it the consumer
    }

    public HttpClient CreateClient(string? tenant)
    {
        var client = _factory!.CreateClient();
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        }
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await Redis.DisposeAsync();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}

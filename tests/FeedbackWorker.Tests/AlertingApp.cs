using AiAspire.Contracts;
using AiAspire.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>The FeedbackWorker with alert rules evaluated every 200 ms and a webhook receiver on 127.0.0.1.</summary>
public sealed class AlertingApp : IAsyncLifetime
{
    public const string ErrorRule = "error-spike";
    public const string FeedbackRule = "unhappy-users";

    private sealed class Factory(RedisServer redis, Uri webhook, string scratch) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", redis.ConnectionString);
            builder.UseSetting("EventBus:IdlePollInterval", "00:00:00.050");
            builder.UseSetting("EventBus:SpillPath", Path.Combine(scratch, "spill"));
            builder.UseSetting("Datasets:Path", Path.Combine(scratch, "datasets"));
            builder.UseSetting("Alerts:EvaluationInterval", "00:00:00.200");
            builder.UseSetting("Alerts:WebhookUrl", webhook.ToString());
            builder.UseSetting("Alerts:Rules:0:Name", ErrorRule);
            builder.UseSetting("Alerts:Rules:0:Metric", "ErrorRate");
            builder.UseSetting("Alerts:Rules:0:Threshold", "0.5");
            builder.UseSetting("Alerts:Rules:0:Window", "00:05:00");
            builder.UseSetting("Alerts:Rules:0:Cooldown", "01:00:00");
            builder.UseSetting("Alerts:Rules:0:MinCount", "4");
            builder.UseSetting("Alerts:Rules:1:Name", FeedbackRule);
            builder.UseSetting("Alerts:Rules:1:Metric", "NegativeFeedbackRate");
            builder.UseSetting("Alerts:Rules:1:Threshold", "0.6");
            builder.UseSetting("Alerts:Rules:1:Window", "00:10:00");
            builder.UseSetting("Alerts:Rules:1:MinCount", "3");
        }
    }

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "aiaspire-feedbackworker-" + Guid.NewGuid().ToString("N"));
    private Factory? _factory;

    public RedisServer Redis { get; } = new();

    public WebhookReceiver Webhook { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        Webhook = await WebhookReceiver.StartAsync();
        _factory = new Factory(Redis, Webhook.Url, _scratch);
        _ = _factory.Server;
    }

    public HttpClient CreateClient(string tenant)
    {
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await Webhook.DisposeAsync();
        await Redis.DisposeAsync();
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}

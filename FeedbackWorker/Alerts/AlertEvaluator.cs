using System.Text.Json;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.FeedbackWorker.Quality;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Alerts;

/// <summary>
/// Evaluates every alert rule for every tenant on a timer, over sliding windows of the per-minute figures. A rule that
/// fires goes quiet for its cooldown (a Redis key, so replicas share it); each firing publishes
/// <see cref="AlertRaised"/> on the alerts topic, is logged, kept for the quality API, and POSTed to the webhook.
/// </summary>
public sealed partial class AlertEvaluator(
    IConnectionMultiplexer redis,
    QualityReadModel readModel,
    IEventPublisher publisher,
    AlertWebhook webhook,
    IOptionsMonitor<AlertOptions> options,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private const int MaxTenants = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogEvaluationFailed(ex);
            }
            await Task.Delay(options.CurrentValue.EvaluationInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass over every tenant and rule.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.Rules.Count == 0)
        {
            return;
        }
        var db = redis.GetDatabase();
        var tenants = (await db.SetMembersAsync(QualityKeys.Tenants).WaitAsync(cancellationToken))
            .Take(MaxTenants)
            .Select(t => t.ToString());
        var now = time.GetUtcNow();
        foreach (var tenant in tenants)
        {
            foreach (var rule in settings.Rules)
            {
                var window = await readModel.GetWindowAsync(tenant, rule.Model, now - rule.Window, now, cancellationToken);
                if (AlertMetrics.Measure(rule, window) is not { } value || value <= rule.Threshold)
                {
                    continue;
                }
                var cooling = rule.Cooldown > TimeSpan.Zero
                    && !await db.StringSetAsync(QualityKeys.AlertCooldown(tenant, rule.Name), 1, rule.Cooldown, When.NotExists).WaitAsync(cancellationToken);
                if (!cooling)
                {
                    await RaiseAsync(db, tenant, rule, value, window, now, settings, cancellationToken);
                }
            }
        }
    }

    private async Task RaiseAsync(
        IDatabase db, string tenant, AlertRule rule, double value, FigureTally window, DateTimeOffset now, AlertOptions settings, CancellationToken cancellationToken)
    {
        var alert = new AlertRaised(Guid.CreateVersion7().ToString("N"), tenant, rule.Name, AlertMetrics.Name(rule.Metric),
            Math.Round(value, 6), rule.Threshold, rule.Window, window.Requests, now, rule.Model);
        LogAlert(tenant, rule.Name, alert.Metric, alert.Value, rule.Threshold, rule.Window);
        FeedbackWorkerTelemetry.Alerts.Add(1, new KeyValuePair<string, object?>("rule", rule.Name));

        var key = QualityKeys.Alerts(tenant);
        await db.ListLeftPushAsync(key, JsonSerializer.Serialize(alert, EventsJsonContext.Default.AlertRaised)).WaitAsync(cancellationToken);
        await db.ListTrimAsync(key, 0, settings.RecentAlertsKept - 1).WaitAsync(cancellationToken);
        publisher.Publish(alert);
        await webhook.PostAsync(alert, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Rule} for tenant {Tenant}: {Metric} = {Value} > {Threshold} over {Window}")]
    private partial void LogAlert(string tenant, string rule, string metric, double value, double threshold, TimeSpan window);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert evaluation failed; retrying at the next interval")]
    private partial void LogEvaluationFailed(Exception ex);
}

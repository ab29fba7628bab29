using System.Net.Http.Json;
using AiAspire.Contracts.Events;
using Microsoft.Extensions.Options;

namespace AiAspire.FeedbackWorker.Alerts;

/// <summary>POSTs each firing to <see cref="AlertOptions.WebhookUrl"/> as JSON; a failing receiver is logged, never fatal.</summary>
public sealed partial class AlertWebhook(HttpClient http, IOptionsMonitor<AlertOptions> options, ILogger<AlertWebhook> logger)
{
    public async Task PostAsync(AlertRaised alert, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.WebhookUrl is not { } url)
        {
            return;
        }
        try
        {
            using var response = await http.PostAsJsonAsync(url, alert, EventsJsonContext.Default.AlertRaised, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogRejected(alert.AlertId, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(ex, alert.AlertId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The alert webhook answered {Status} to alert {AlertId}")]
    private partial void LogRejected(string alertId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not POST alert {AlertId} to the webhook")]
    private partial void LogFailed(Exception ex, string alertId);
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.FeedbackWorker.Tests;

public sealed class AlertTests(AlertingApp app) : IClassFixture<AlertingApp>
{
    private IEventPublisher Publisher => app.Services.GetRequiredService<IEventPublisher>();

    [Fact]
    public async Task ErrorRateOverTheThreshold_RaisesOneAlert_ToTheWebhook_TheAlertsTopic_AndTheApi_ThenCoolsDown()
    {
        var tenant = Inferences.NewTenant();
        for (var i = 0; i < 6; i++)
        {
            Publisher.Publish(Inferences.Completed(tenant, status: i < 4 ? "error" : "ok"));
        }
        using var client = app.CreateClient(tenant);

        var alerts = await Eventually.MatchesAsync(() => GetAlertsAsync(client), a => a.Count > 0, "the alert was raised");
        var alert = Assert.Single(alerts);
        Assert.Equal((tenant, AlertingApp.ErrorRule, "error_rate", 6L), (alert.Tenant, alert.Rule, alert.Metric, alert.Requests));
        Assert.Equal(4.0 / 6, alert.Value, 5);
        Assert.Equal(0.5, alert.Threshold);

        var posted = await Eventually.MatchesAsync(() => Task.FromResult(WebhookAlerts(tenant)), p => p.Count > 0, "the webhook received it");
        Assert.Equal(alert.AlertId, Assert.Single(posted).AlertId);
        var published = await Eventually.MatchesAsync(() => PublishedAlertsAsync(tenant), p => p.Count > 0, "AlertRaised was published");
        Assert.Equal(alert.AlertId, Assert.Single(published).AlertId);

        // More errors and several evaluations later, the rule is still cooling down.
        Publisher.Publish(Inferences.Completed(tenant, status: "error"));
        await Task.Delay(1_500);
        Assert.Single(await GetAlertsAsync(client));
        Assert.Single(WebhookAlerts(tenant));
    }

    [Fact]
    public async Task NegativeFeedbackRate_RaisesItsRule_WhileTooFewRequests_RaiseNothing()
    {
        var unhappy = Inferences.NewTenant();
        var quiet = Inferences.NewTenant();
        // As many ratings as the rule's MinCount: only all of them together reach it, whatever order the worker
        // projects them in (an evaluation between two projections sees too few).
        foreach (var rating in new[] { "down", "down", "up" })
        {
            Publisher.Publish(new FeedbackSubmitted(Guid.NewGuid().ToString("N"), unhappy, "m", "/api/chat", rating, DateTimeOffset.UtcNow));
        }
        for (var i = 0; i < 3; i++)
        {
            Publisher.Publish(Inferences.Completed(quiet, status: "error")); // 100 % errors, but under MinCount 4
        }
        using var unhappyClient = app.CreateClient(unhappy);
        using var quietClient = app.CreateClient(quiet);

        var alerts = await Eventually.MatchesAsync(() => GetAlertsAsync(unhappyClient), a => a.Count > 0, "the feedback alert was raised");

        Assert.Equal(("unhappy-users", "negative_feedback_rate"), (alerts[0].Rule, alerts[0].Metric));
        Assert.Equal(2.0 / 3, alerts[0].Value, 1e-6); // reported to six decimals
        await Task.Delay(1_000); // several evaluations with the quiet tenant's events counted
        Assert.Empty(await GetAlertsAsync(quietClient));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task Alerts_WithABadLimit_Is400ProblemJson(string limit)
    {
        using var client = app.CreateClient(Inferences.NewTenant());

        using var response = await client.GetAsync("/api/quality/alerts?limit=" + limit);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ProblemTypes.Validation, json.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void Options_WithAnUnnamedRule_ATooShortWindow_OrADuplicateName_AreInvalid()
    {
        var options = new AlertOptions
        {
            Rules =
            [
                new AlertRule { Name = "", Window = TimeSpan.FromMinutes(5) },
                new AlertRule { Name = "a", Window = TimeSpan.FromSeconds(10) },
                new AlertRule { Name = "a" },
            ],
            WebhookUrl = new Uri("ftp://127.0.0.1/hook"),
        };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains("Rules:0:Name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("Rules:1:Window", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("unique", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("WebhookUrl", StringComparison.Ordinal));
    }

    private static async Task<IReadOnlyList<AlertRaised>> GetAlertsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/quality/alerts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync(EventsJsonContext.Default.IReadOnlyListAlertRaised) ?? [];
    }

    private List<AlertRaised> WebhookAlerts(string tenant) =>
    [
        .. app.Webhook.Received
            .Where(r => r.ContentType.StartsWith("application/json", StringComparison.Ordinal))
            .Select(r => JsonSerializer.Deserialize(r.Body, EventsJsonContext.Default.AlertRaised)!)
            .Where(a => a.Tenant == tenant),
    ];

    private async Task<List<AlertRaised>> PublishedAlertsAsync(string tenant)
    {
        using var client = app.Redis.Connect();
        var entries = await client.GetDatabase().StreamRangeAsync(Topics.Alerts);
        return [.. entries
            .Select(e => EventEnvelope.Decode<AlertRaised>((byte[])e["event"]!).Event)
            .Where(a => a.Tenant == tenant)];
    }
}

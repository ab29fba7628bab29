using System.ComponentModel.DataAnnotations;

namespace AiAspire.FeedbackWorker.Alerts;

/// <summary>Alert rules and where firings go; section <c>Alerts</c>.</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "Alerts";

    public List<AlertRule> Rules { get; set; } = [];

    /// <summary>Each firing is POSTed here as JSON (an <see cref="Contracts.Events.AlertRaised"/>), when set.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>How often every rule is evaluated for every tenant.</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Firings kept per tenant for <c>GET /api/quality/alerts</c>.</summary>
    [Range(1, 10_000)]
    public int RecentAlertsKept { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EvaluationInterval < TimeSpan.FromMilliseconds(100))
        {
            yield return new ValidationResult("Alerts:EvaluationInterval must be at least 100 ms.");
        }
        if (WebhookUrl is not null && (!WebhookUrl.IsAbsoluteUri || WebhookUrl.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("Alerts:WebhookUrl must be an absolute http(s) URL.");
        }
        foreach (var (rule, i) in Rules.Select((r, i) => (r, i)))
        {
            if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 100)
            {
                yield return new ValidationResult($"Alerts:Rules:{i}:Name is required (at most 100 characters).");
            }
            if (rule.Window < TimeSpan.FromMinutes(1) || rule.Window > TimeSpan.FromDays(1))
            {
                yield return new ValidationResult($"Alerts:Rules:{i}:Window must be from 1 minute to 1 day.");
            }
            if (rule.Cooldown < TimeSpan.Zero || !double.IsFinite(rule.Threshold) || rule.MinCount < 1)
            {
                yield return new ValidationResult($"Alerts:Rules:{i}: Cooldown must not be negative, Threshold finite, MinCount at least 1.");
            }
        }
        if (Rules.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count() != Rules.Count)
        {
            yield return new ValidationResult("Alerts:Rules names must be unique.");
        }
    }
}

/// <summary>Fires when <see cref="Metric"/> over the last <see cref="Window"/> exceeds <see cref="Threshold"/>.</summary>
public sealed class AlertRule
{
    public string Name { get; set; } = "";

    public AlertMetric Metric { get; set; }

    public double Threshold { get; set; }

    /// <summary>The sliding window: the whole minutes that cover its span back from now.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After firing, the rule stays quiet for the tenant this long.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Requests (ratings, for the feedback rate) the window needs before a rate means anything.</summary>
    public int MinCount { get; set; } = 1;

    /// <summary>Only this model's figures; all models when null.</summary>
    public string? Model { get; set; }
}

public enum AlertMetric
{
    /// <summary>Errors per request, 0–1.</summary>
    ErrorRate,

    LatencyP95Ms,

    /// <summary>Down ratings per rating, 0–1.</summary>
    NegativeFeedbackRate,

    /// <summary>Cost over the window, scaled to an hour.</summary>
    CostPerHourUsd,

    /// <summary>Requests the guardrails blocked in the window.</summary>
    GuardBlocks,
}

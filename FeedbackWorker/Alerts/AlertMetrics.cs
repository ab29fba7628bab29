using AiAspire.FeedbackWorker.Quality;

namespace AiAspire.FeedbackWorker.Alerts;

internal static class AlertMetrics
{
    /// <summary>The rule's metric over a window's figures, or null when the window holds too little to judge.</summary>
    public static double? Measure(AlertRule rule, FigureTally window) => rule.Metric switch
    {
        AlertMetric.ErrorRate => window.Requests >= rule.MinCount ? (double)window.Errors / window.Requests : null,
        AlertMetric.LatencyP95Ms => window.Requests >= rule.MinCount ? window.LatencyMs(0.95) : null,
        AlertMetric.NegativeFeedbackRate => window.FeedbackUp + window.FeedbackDown is var ratings && ratings >= rule.MinCount
            ? (double)window.FeedbackDown / ratings
            : null,
        AlertMetric.CostPerHourUsd => window.Requests >= rule.MinCount ? (double)window.CostUsd / rule.Window.TotalHours : null,
        AlertMetric.GuardBlocks => window.Requests >= rule.MinCount ? window.GuardBlocks : null,
        _ => null,
    };

    public static string Name(AlertMetric metric) => metric switch
    {
        AlertMetric.ErrorRate => "error_rate",
        AlertMetric.LatencyP95Ms => "latency_p95_ms",
        AlertMetric.NegativeFeedbackRate => "negative_feedback_rate",
        AlertMetric.CostPerHourUsd => "cost_per_hour_usd",
        AlertMetric.GuardBlocks => "guard_blocks",
        _ => metric.ToString(),
    };
}

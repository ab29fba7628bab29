using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiAspire.FeedbackWorker;

public static class FeedbackWorkerTelemetry
{
    public const string Name = "AiAspire.FeedbackWorker";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Projected = Meter.CreateCounter<long>(
        "aiaspire.feedback.projected", "{event}", "Events applied to the read models, by topic");

    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>(
        "aiaspire.feedback.duplicates", "{event}", "Redelivered events skipped because their id was already applied");

    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "aiaspire.feedback.rejected", "{event}", "Events skipped because their figures cannot be counted");

    public static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        "aiaspire.feedback.alerts", "{alert}", "Alert rules that fired, by rule");

    public static readonly Histogram<double> ProjectionLag = Meter.CreateHistogram<double>(
        "aiaspire.feedback.projection.lag", "s", "Time from an event's timestamp to its projection");
}

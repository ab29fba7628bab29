using System.Text.Json.Serialization.Metadata;

namespace AiAspire.Contracts.Events;

/// <summary>An alert rule fired for a tenant: its metric crossed the threshold over the rule's window.</summary>
/// <param name="Metric">What was measured, e.g. <c>error_rate</c> or <c>latency_p95_ms</c>.</param>
/// <param name="Model">The model the rule watches, or null for all of the tenant's models.</param>
public sealed record AlertRaised(
    string AlertId,
    string Tenant,
    string Rule,
    string Metric,
    double Value,
    double Threshold,
    TimeSpan Window,
    long Requests,
    DateTimeOffset RaisedAt,
    string? Model = null) : IIntegrationEvent<AlertRaised>
{
    public static string Topic => Topics.Alerts;
    public static string EventType => "aiaspire.alert.raised";
    public static JsonTypeInfo<AlertRaised> JsonTypeInfo => EventsJsonContext.Default.AlertRaised;
    public string Subject => Tenant;
}

using System.Text.Json.Serialization.Metadata;

namespace AiAspire.Contracts.Events;

/// <summary>
/// The masked conversation and answer of one inference, for the retraining pipeline (joined with feedback by request
/// id). Masked text only, never raw PII: the orchestrator publishes what the guardrails returned.
/// </summary>
public sealed record InteractionCaptured(
    string RequestId,
    string Tenant,
    string Model,
    IReadOnlyList<MaskedMessage> Messages,
    string Response,
    DateTimeOffset Timestamp) : IIntegrationEvent<InteractionCaptured>
{
    /// <summary>Its own topic: a consumer reads one event type per topic.</summary>
    public const string TopicName = "interaction-events";

    public static string Topic => TopicName;
    public static string EventType => "aiaspire.interaction.captured";
    public static JsonTypeInfo<InteractionCaptured> JsonTypeInfo => EventsJsonContext.Default.InteractionCaptured;
    public string Subject => Tenant;
}

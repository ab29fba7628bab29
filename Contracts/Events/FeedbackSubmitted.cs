using System.Text.Json.Serialization.Metadata;

namespace AiAspire.Contracts.Events;

/// <summary>A user rated a response (<c>POST /api/feedback</c>). Carries masked text only, never raw PII.</summary>
/// <param name="ResponseId">The request id of the rated inference (<see cref="InferenceCompleted.RequestId"/>).</param>
/// <param name="Model">The model that produced the response, so feedback is counted per model without a join.</param>
/// <param name="Rating"><see cref="FeedbackRatings.Up"/> or <see cref="FeedbackRatings.Down"/>.</param>
/// <param name="Correction">The user's corrected answer, masked.</param>
public sealed record FeedbackSubmitted(
    string ResponseId,
    string Tenant,
    string Model,
    string Route,
    string Rating,
    DateTimeOffset Timestamp,
    string? Comment = null,
    string? Correction = null) : IIntegrationEvent<FeedbackSubmitted>
{
    public static string Topic => Topics.FeedbackEvents;
    public static string EventType => "aiaspire.feedback.submitted";
    public static JsonTypeInfo<FeedbackSubmitted> JsonTypeInfo => EventsJsonContext.Default.FeedbackSubmitted;
    public string Subject => Tenant;
}

namespace AiAspire.Contracts.Events;

public static class Topics
{
    public const string InferenceEvents = "inference-events";
    public const string FeedbackEvents = "feedback-events";
    public const string Alerts = "alerts";
}

namespace AiAspire.Contracts.Events;

/// <summary>Values of <see cref="FeedbackSubmitted.Rating"/>.</summary>
public static class FeedbackRatings
{
    public const string Up = "up";
    public const string Down = "down";
}

namespace AiAspire.Orchestrator.Feedback;

public sealed class FeedbackOptions
{
    public const string Section = "Feedback";

    /// <summary>How long answers can be rated after they were given.</summary>
    public TimeSpan ResponseRetention { get; set; } = TimeSpan.FromDays(30);

    public int MaxCommentLength { get; set; } = 2_000;

    public int MaxCorrectionLength { get; set; } = 32_000;
}

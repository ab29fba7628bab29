using System.ComponentModel.DataAnnotations;

namespace AiAspire.FeedbackWorker.Projections;

public sealed class ProjectionOptions
{
    public const string Section = "Projections";

    /// <summary>How long an applied event id is remembered; redeliveries later than this would count twice.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long per-minute figures are kept after their last update.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00")]
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromDays(14);
}

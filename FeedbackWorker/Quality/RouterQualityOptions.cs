using System.ComponentModel.DataAnnotations;

namespace AiAspire.FeedbackWorker.Quality;

/// <summary>How the measured quality of each model is published for the router (<see cref="RouterQualityPublisher"/>).</summary>
public sealed class RouterQualityOptions
{
    public const string Section = "RouterQuality";

    /// <summary>How often the scores are recomputed from the feedback projections and rewritten.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>z of the Wilson interval whose lower bound is the score; higher trusts few ratings less.</summary>
    [Range(0.1, 5)]
    public double Z { get; set; } = Contracts.Quality.RouterQualityScores.DefaultZ;
}

using System.ComponentModel.DataAnnotations;

namespace AiAspire.FeedbackWorker.Datasets;

public sealed class DatasetOptions
{
    public const string Section = "Datasets";

    /// <summary>Folder of the exported datasets; relative paths are under the content root. Default <c>data/datasets</c>.</summary>
    public string? Path { get; set; }

    /// <summary>How long masked interactions and ratings are kept for export.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "400.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Interactions one export reads at most (newest win).</summary>
    [Range(1, 1_000_000)]
    public int MaxInteractions { get; set; } = 100_000;
}

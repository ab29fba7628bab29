namespace AiAspire.FeedbackWorker.Datasets;

/// <summary>The latest rating of a response, as the export joins it with the interaction.</summary>
public sealed record RatingRecord(string Rating, string? Correction);

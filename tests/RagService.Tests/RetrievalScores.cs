using System.Globalization;

namespace AiAspire.RagService.Tests;

/// <summary>Chunk-level retrieval quality: a question is found at rank r when the r-th chunk contains its whole answer span.</summary>
/// <param name="OverlapRecallAt5">The looser criterion of the first version of this evaluation: a top-5 chunk overlaps the span.</param>
public sealed record RetrievalScores(int Questions, double RecallAt1, double RecallAt5, double RecallAt10, double MrrAt10, double OverlapRecallAt5)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"recall@1 {RecallAt1:P1}, recall@5 {RecallAt5:P1}, recall@10 {RecallAt10:P1}, MRR@10 {MrrAt10:F3} (overlap recall@5 {OverlapRecallAt5:P1}; {Questions} questions)");
}

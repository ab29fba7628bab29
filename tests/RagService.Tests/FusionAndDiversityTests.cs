using System.Collections.Immutable;
using AiAspire.RagService.Retrieval;
using AiAspire.RagService.Stores;

namespace AiAspire.RagService.Tests;

public sealed class FusionAndDiversityTests
{
    private static readonly StoredDocument Doc = new("t", "d", "default", "d.txt", "text", "h", "m", 0, DateTimeOffset.UnixEpoch, ImmutableDictionary<string, string>.Empty);

    private static StoredChunk Chunk(string id, params float[] vector) => new(id, 0, id, null, 0, id.Length, vector);

    [Fact]
    public void Fuse_ranks_agreement_between_the_lists_above_a_single_first_place()
    {
        VectorMatch[] vector = [new(Doc, Chunk("a", 1, 0), 0.9), new(Doc, Chunk("b", 1, 0), 0.8), new(Doc, Chunk("c", 1, 0), 0.7)];
        KeywordMatch[] keyword = [new(Doc, Chunk("d", 0, 1), 12), new(Doc, Chunk("b", 1, 0), 7)];

        var fused = ReciprocalRankFusion.Fuse(vector, keyword, _ => 0.1);

        Assert.Equal(["b", "a", "d", "c"], fused.Select(c => c.Chunk.ChunkId));
        Assert.Equal((2.0 / 62) + 0, fused[0].Fused!.Value, 9);
        Assert.Equal((0.8, 7.0), (fused[0].Cosine, fused[0].Keyword!.Value));
        Assert.Equal((0.1, 12.0), (fused[2].Cosine, fused[2].Keyword!.Value));
        Assert.Null(fused[1].Keyword);
        Assert.Equal(1.0 / 61, fused[1].Fused!.Value, 9);
    }

    [Fact]
    public void Fuse_of_empty_lists_is_empty() => Assert.Empty(ReciprocalRankFusion.Fuse([], [], _ => 0));

    [Fact]
    public void Mmr_lets_a_different_chunk_overtake_a_near_duplicate()
    {
        Candidate[] candidates =
        [
            new(Doc, Chunk("best", 1, 0, 0), 0.9, null, null, 0.9),
            new(Doc, Chunk("copy-of-best", 0.99f, 0.01f, 0), 0.89, null, null, 0.89),
            new(Doc, Chunk("other", 0, 1, 0), 0.7, null, null, 0.7),
        ];

        Assert.Equal(["best", "other"], MaximalMarginalRelevance.Select(candidates, 2, lambda: 0.5).Select(c => c.Chunk.ChunkId));
        Assert.Equal(["best", "copy-of-best"], MaximalMarginalRelevance.Select(candidates, 2, lambda: 1).Select(c => c.Chunk.ChunkId));
        Assert.Equal(3, MaximalMarginalRelevance.Select(candidates, 10, lambda: 0.5).Count);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Mmr_rejects_a_lambda_outside_0_to_1(double lambda) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MaximalMarginalRelevance.Select([], 1, lambda));
}

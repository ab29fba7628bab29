using AiAspire.RagService.Stores;

namespace AiAspire.RagService.Retrieval;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher 2009): a chunk scores the sum of 1 / (k + rank) over the lists
/// that hold it, so agreement between vector and keyword search outweighs a high rank in only one of them.
/// </summary>
internal static class ReciprocalRankFusion
{
    public const int K = 60;

    /// <param name="cosineOf">The cosine similarity to the query of a chunk that only keyword search found.</param>
    public static List<Candidate> Fuse(IReadOnlyList<VectorMatch> vector, IReadOnlyList<KeywordMatch> keyword, Func<StoredChunk, double> cosineOf)
    {
        var fused = new Dictionary<string, (StoredDocument Document, StoredChunk Chunk, double? Cosine, double? Keyword, double Score, int FirstSeen)>(StringComparer.Ordinal);
        var order = 0;
        for (var rank = 0; rank < vector.Count; rank++)
        {
            var match = vector[rank];
            var previous = fused.GetValueOrDefault(match.Chunk.ChunkId, (match.Document, match.Chunk, null, null, 0, order++));
            fused[match.Chunk.ChunkId] = previous with { Cosine = match.Score, Score = previous.Score + (1.0 / (K + rank + 1)) };
        }
        for (var rank = 0; rank < keyword.Count; rank++)
        {
            var match = keyword[rank];
            var previous = fused.GetValueOrDefault(match.Chunk.ChunkId, (match.Document, match.Chunk, null, null, 0, order++));
            fused[match.Chunk.ChunkId] = previous with { Keyword = match.Score, Score = previous.Score + (1.0 / (K + rank + 1)) };
        }
        return [.. fused.Values
            .OrderByDescending(f => f.Score)
            .ThenBy(f => f.FirstSeen)
            .Select(f => new Candidate(f.Document, f.Chunk, f.Cosine ?? cosineOf(f.Chunk), f.Keyword, f.Score, f.Score))];
    }
}

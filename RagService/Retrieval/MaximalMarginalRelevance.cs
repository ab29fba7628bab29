using System.Numerics.Tensors;

namespace AiAspire.RagService.Retrieval;

/// <summary>
/// Maximal marginal relevance (Carbonell and Goldstein 1998): picks, one at a time, the candidate that best trades its
/// relevance against its cosine similarity to the chunks already picked, so near-duplicates give way to other content.
/// </summary>
internal static class MaximalMarginalRelevance
{
    /// <param name="candidates">Best first; their <see cref="Candidate.Relevance"/> is rescaled to [0, 1] by the best.</param>
    /// <param name="lambda">1 keeps the relevance order; 0 maximizes diversity.</param>
    public static List<Candidate> Select(IReadOnlyList<Candidate> candidates, int topK, double lambda)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        if (lambda is < 0 or > 1 || double.IsNaN(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "MMR's lambda lies in [0, 1].");
        }
        var top = candidates.Count == 0 ? 0 : candidates.Max(c => c.Relevance);
        var relevance = candidates.Select(c => top > 0 ? c.Relevance / top : 0).ToArray();
        // The highest similarity of each candidate to anything picked so far.
        var redundancy = new double[candidates.Count];
        var picked = new bool[candidates.Count];
        var selected = new List<Candidate>(Math.Min(topK, candidates.Count));
        for (var round = 0; round < topK && round < candidates.Count; round++)
        {
            var best = -1;
            var bestScore = double.NegativeInfinity;
            for (var i = 0; i < candidates.Count; i++)
            {
                var score = (lambda * relevance[i]) - ((1 - lambda) * redundancy[i]);
                if (!picked[i] && score > bestScore)
                {
                    (best, bestScore) = (i, score);
                }
            }
            picked[best] = true;
            selected.Add(candidates[best]);
            var chosen = candidates[best].Chunk.Vector.Span;
            for (var i = 0; i < candidates.Count; i++)
            {
                if (!picked[i])
                {
                    var similarity = TensorPrimitives.CosineSimilarity(candidates[i].Chunk.Vector.Span, chosen);
                    // A zero vector has no direction (NaN): it duplicates nothing.
                    redundancy[i] = float.IsNaN(similarity) ? redundancy[i] : Math.Max(redundancy[i], similarity);
                }
            }
        }
        return selected;
    }
}

using System.ComponentModel.DataAnnotations;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// The semantic cache: answers of earlier questions that mean the same. Off by default: a near match is a judgement,
/// and a deployment should choose it (with a threshold that suits its embeddings). It applies where the exact cache
/// does (<see cref="ExactCacheOptions"/>: enabled, temperature 0 unless allowed otherwise), to single questions (system
/// messages and one user message; no history, no tools), with embeddings from RagService's <c>/v1/embeddings</c>.
/// </summary>
public sealed class SemanticCacheOptions
{
    public const string Section = "Cache:Semantic";

    public bool Enabled { get; set; }

    /// <summary>Cosine similarity of the normalised questions' embeddings at or above which an answer is reused.</summary>
    [Range(0.5, 1.0)]
    public double Threshold { get; set; } = 0.92;

    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Entries kept per bucket (tenant × model × parameters × system prompt); the newest win. A lookup reads and scans
    /// the whole bucket, so this bounds its cost: 256 entries of 384 floats are ~400 KB from Redis and ~100k
    /// multiply-adds.
    /// </summary>
    [Range(1, 4096)]
    public int MaxEntriesPerBucket { get; set; } = 256;

    /// <summary>Longest question (in characters) worth embedding; longer ones are not cached semantically.</summary>
    [Range(16, 100_000)]
    public int MaxQuestionLength { get; set; } = 2_000;

    /// <summary>How long the embedding call may take before the lookup counts as a miss.</summary>
    public TimeSpan EmbeddingTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a Redis lookup or store may take before it counts as a miss.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);
}

using System.ComponentModel.DataAnnotations;

namespace AiAspire.RagService.Stores;

/// <summary>How the embedded store searches vectors: exactly below a size, through an HNSW graph above it.</summary>
public sealed class EmbeddedIndexOptions
{
    public const string Section = "Rag:EmbeddedIndex";

    /// <summary>
    /// Collections (per tenant and embedding model) with at least this many chunks get an HNSW graph and are searched
    /// through it; smaller ones keep none (their writes pay no graph inserts) and are searched, like every search with a
    /// metadata filter, by an exact scan. The graph is built in the background once a collection reaches this size (searches
    /// stay exact until it is swapped in) and dropped only below <see cref="ExactSearchBelowRatio"/> of it. 0 always uses the graph.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int ApproximateSearchMinChunks { get; set; } = 20_000;

    /// <summary>A collection with a graph keeps it until its live chunks fall below this share of <see cref="ApproximateSearchMinChunks"/>, so that one hovering at the threshold does not build and drop graphs in turn.</summary>
    [Range(0.0, 1.0)]
    public double ExactSearchBelowRatio { get; set; } = 0.8;

    /// <summary>Graph links per node (the bottom layer keeps twice as many): more links, better recall, more memory.</summary>
    [Range(4, 64)]
    public int M { get; set; } = 16;

    /// <summary>Candidates explored when linking a new chunk: higher builds slower and finds better links.</summary>
    [Range(8, 1_000)]
    public int EfConstruction { get; set; } = 100;

    /// <summary>Candidates explored per search (at least topK): higher searches slower with better recall.</summary>
    [Range(8, 10_000)]
    public int EfSearch { get; set; } = 128;

    /// <summary>Deleted or replaced chunks stay in the graph as tombstones until they exceed this share of the live ones; then the graph is built again, in the background.</summary>
    [Range(0.01, 10)]
    public double RebuildDeadRatio { get; set; } = 0.25;

    /// <summary>
    /// A write is appended to the tenant's write-ahead log; once the log passes this many bytes (or <see cref="CompactLogRecords"/>
    /// records) since the last snapshot, a background compaction writes a new snapshot and drops the log. Larger values mean
    /// fewer snapshot rewrites and a longer replay at start.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long CompactLogBytes { get; set; } = 64L << 20;

    /// <summary>See <see cref="CompactLogBytes"/>: the record count that also triggers a compaction.</summary>
    [Range(1, int.MaxValue)]
    public int CompactLogRecords { get; set; } = 4_096;

    /// <summary>Graphs (which exist from <see cref="ApproximateSearchMinChunks"/> on) of at least this many nodes are saved beside the snapshot at each compaction, so a restart need not build them again.</summary>
    [Range(0, int.MaxValue)]
    public int PersistGraphMinChunks { get; set; } = 2_048;
}

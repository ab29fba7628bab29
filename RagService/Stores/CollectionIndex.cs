using System.Collections.Immutable;
using System.Numerics.Tensors;
using AiAspire.RagService.Stores.Hnsw;

namespace AiAspire.RagService.Stores;

/// <summary>
/// A search index of one collection (one tenant, one embedding model): the chunks as nodes (dense ids in insertion order),
/// a BM25 keyword index over the same nodes (heading path and text) and, from <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/>
/// live chunks on, an append-only HNSW graph over them. Each version is immutable to its readers: it maps node ids to the
/// chunks it holds, and nodes it does not hold (deleted, replaced, or added by a later version) are tombstones. A write
/// inserts only the new chunks (into the graph too, when there is one); when tombstones outgrow <see cref="EmbeddedIndexOptions.RebuildDeadRatio"/>
/// the nodes are laid out again from the live chunks. Small collections keep no graph at all — they never search one, so
/// they do not pay its inserts — and get one, built once from all their chunks, at the write that takes them over the
/// threshold; a collection that falls back below it drops its graph. Small collections and filtered searches scan exactly
/// (SIMD dot products).
/// </summary>
internal sealed class CollectionIndex
{
    private readonly HnswGraph? _graph;
    private readonly Slot[] _slots;
    private readonly ImmutableDictionary<string, int[]> _nodesByDocument;
    private readonly KeywordIndex _keywords;
    private readonly EmbeddedIndexOptions _options;

    private CollectionIndex(int dimensions, HnswGraph? graph, Slot[] slots, ImmutableDictionary<string, int[]> nodesByDocument, EmbeddedIndexOptions options)
    {
        Dimensions = dimensions;
        _graph = graph;
        _slots = slots;
        _nodesByDocument = nodesByDocument;
        _options = options;
        Count = slots.Count(slot => slot.Document is not null);
        _keywords = KeywordIndex.FromTerms([.. slots.Select(slot => slot.Document?.Terms[slot.Position])]);
    }

    public int Dimensions { get; }

    /// <summary>Live chunks.</summary>
    public int Count { get; }

    /// <summary>Nodes this version does not hold: tombstones (in the graph, still carrying searches).</summary>
    public int Dead => (_graph?.Count ?? _slots.Length) - Count;

    /// <summary>Whether unfiltered searches go through the graph: exactly when there is one (see <see cref="NeedsGraph"/>).</summary>
    public bool SearchesApproximately => _graph is not null;

    /// <summary>The HNSW graph; null while the collection is below <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/>.</summary>
    internal HnswGraph? Graph => _graph;

    private static bool NeedsGraph(int live, EmbeddedIndexOptions options) => live >= options.ApproximateSearchMinChunks;

    /// <summary>Documents in id order and chunks in index order, so that equal scores rank the same way every time.</summary>
    public static CollectionIndex Build(IEnumerable<DocumentEntry> documents, EmbeddedIndexOptions options)
    {
        var ordered = documents.Where(d => !d.Chunks.IsEmpty).OrderBy(d => d.Document.Id, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException("A collection index needs at least one chunk.", nameof(documents));
        }
        var dimensions = ordered[0].Dimensions;
        var graph = NeedsGraph(ordered.Sum(d => d.Chunks.Length), options) ? new HnswGraph(dimensions, Parameters(options)) : null;
        var slots = new List<Slot>();
        var nodes = ImmutableDictionary.CreateBuilder<string, int[]>(StringComparer.Ordinal);
        foreach (var document in ordered)
        {
            nodes[document.Document.Id] = Insert(graph, document, slots);
        }
        return new CollectionIndex(dimensions, graph, [.. slots], nodes.ToImmutable(), options);
    }

    /// <summary>The index over a graph read back from disk, its nodes matched to <paramref name="documents"/> by <see cref="KeyOf"/>.</summary>
    /// <exception cref="InvalidDataException">The graph does not hold exactly the chunks of <paramref name="documents"/>.</exception>
    public static CollectionIndex Restore(HnswGraph graph, string?[] keys, IEnumerable<DocumentEntry> documents, EmbeddedIndexOptions options)
    {
        var byKey = documents.Where(d => !d.Chunks.IsEmpty)
            .SelectMany(d => d.Chunks.Select((_, position) => (Key: KeyOf(d, position), Slot: new Slot(d, position))))
            .ToDictionary(pair => pair.Key, pair => pair.Slot, StringComparer.Ordinal);
        var slots = new Slot[graph.Count];
        var nodes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var node = 0; node < keys.Length; node++)
        {
            if (keys[node] is { } key)
            {
                if (!byKey.Remove(key, out var slot))
                {
                    throw new InvalidDataException($"The graph names chunk {key} twice or one the snapshot lacks.");
                }
                slots[node] = slot;
                if (!nodes.TryGetValue(slot.Document!.Document.Id, out var list))
                {
                    nodes[slot.Document.Document.Id] = list = [];
                }
                list.Add(node);
            }
        }
        if (byKey.Count > 0)
        {
            throw new InvalidDataException($"The graph lacks {byKey.Count} chunks of the snapshot.");
        }
        return new CollectionIndex(graph.Dimensions, graph, slots, nodes.ToImmutableDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal), options);
    }

    /// <summary>
    /// The next version: <paramref name="removed"/> documents' nodes become tombstones and <paramref name="added"/> ones are
    /// appended (and inserted into the shared graph, which earlier versions never see them in); null when nothing is left.
    /// Crossing <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/> in either direction lays the nodes out again,
    /// with a graph built once from every live chunk or without one.
    /// </summary>
    /// <param name="members">Every document of the collection after the change, for a rebuild.</param>
    public CollectionIndex? Apply(IReadOnlyCollection<string> removed, IReadOnlyList<DocumentEntry> added, Func<IEnumerable<DocumentEntry>> members)
    {
        var slots = new List<Slot>(_slots);
        var nodes = _nodesByDocument.ToBuilder();
        foreach (var id in removed)
        {
            if (nodes.Remove(id, out var gone))
            {
                foreach (var node in gone)
                {
                    slots[node] = default;
                }
            }
        }
        var live = slots.Count(slot => slot.Document is not null) + added.Sum(d => d.Chunks.Length);
        if (live == 0)
        {
            return null;
        }
        // Nodes a failed write left behind count as dead too: the graph holds them, no version does.
        var dead = (_graph?.Count ?? slots.Count) - (live - added.Sum(d => d.Chunks.Length));
        // A new vector length is allowed only once the old chunks are all gone (the store checks): that takes new nodes too.
        if (dead > live * _options.RebuildDeadRatio || added.Any(d => !d.Chunks.IsEmpty && d.Dimensions != Dimensions)
            || NeedsGraph(live, _options) != (_graph is not null))
        {
            return Build(members(), _options);
        }
        // Writes are serialized per tenant, so this is the graph's only writer; readers of this version ignore the new nodes.
        for (var node = slots.Count; node < (_graph?.Count ?? 0); node++)
        {
            slots.Add(default);
        }
        foreach (var document in added.Where(d => !d.Chunks.IsEmpty))
        {
            nodes[document.Document.Id] = Insert(_graph, document, slots);
        }
        return new CollectionIndex(Dimensions, _graph, [.. slots], nodes.ToImmutable(), _options);
    }

    /// <summary>How a graph file names a chunk: a changed document (new content hash) never matches its old nodes.</summary>
    public static string KeyOf(DocumentEntry document, int position) =>
        $"{document.Document.Id}\n{document.Document.ContentHash}\n{position}";

    /// <summary>The key of a live node, null for a tombstone.</summary>
    public string? KeyOfNode(int node) =>
        node < _slots.Length && _slots[node].Document is { } document ? KeyOf(document, _slots[node].Position) : null;

    /// <param name="query">Unit length, <see cref="Dimensions"/> long.</param>
    /// <param name="filter">Metadata pairs an entry's document must all have; null or empty admits every entry.</param>
    public List<VectorMatch> Search(ReadOnlySpan<float> query, int topK, double minScore, IReadOnlyDictionary<string, string>? filter)
    {
        var include = Filter(filter);
        return include is null && SearchesApproximately ? SearchGraph(query, topK, minScore) : SearchExactly(query, topK, minScore, include);
    }

    /// <summary>The exact answer, whatever the size: what <see cref="Search"/> approximates through the graph.</summary>
    public List<VectorMatch> SearchExactly(ReadOnlySpan<float> query, int topK, double minScore, Func<int, bool>? include = null)
    {
        // A min-heap of the best so far; ties prefer the earlier entry.
        var best = new PriorityQueue<int, (float Score, int Index)>(topK + 1,
            Comparer<(float Score, int Index)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Index.CompareTo(a.Index)));
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[i];
            if (slot.Document is null)
            {
                continue;
            }
            var score = TensorPrimitives.Dot(query, slot.Chunk.Vector.Span);
            if (score < minScore || (include is not null && !include(i)))
            {
                continue;
            }
            if (best.Count < topK)
            {
                best.Enqueue(i, (score, i));
            }
            else if (best.TryPeek(out _, out var worst) && (score > worst.Score))
            {
                best.DequeueEnqueue(i, (score, i));
            }
        }

        var matches = new List<VectorMatch>(best.Count);
        while (best.TryDequeue(out var index, out var key))
        {
            matches.Add(Match(index, key.Score));
        }
        matches.Reverse();
        return matches;
    }

    public List<VectorMatch> SearchGraph(ReadOnlySpan<float> query, int topK, double minScore)
    {
        if (_graph is null)
        {
            return SearchExactly(query, topK, minScore);
        }
        var slots = _slots;
        var found = _graph.Search(query, topK, _options.EfSearch, node => node < slots.Length && slots[node].Document is not null);
        return [.. found.Where(hit => hit.Score >= minScore).Select(hit => Match(hit.Node, hit.Score))];
    }

    /// <summary>BM25 over heading paths and texts; only entries that share a term with <paramref name="query"/> can match.</summary>
    public List<KeywordMatch> SearchKeywords(string query, int topK, IReadOnlyDictionary<string, string>? filter) =>
        [.. _keywords.Search(query, topK, Filter(filter)).Select(hit =>
            new KeywordMatch(_slots[hit.Entry].Document!.Document, _slots[hit.Entry].Chunk, hit.Score))];

    private VectorMatch Match(int node, float score) =>
        new(_slots[node].Document!.Document, _slots[node].Chunk, Math.Clamp(score, -1f, 1f));

    /// <summary>Appends the document's chunks as nodes; with a graph, node ids are the graph's ids (it may hold nodes of failed writes).</summary>
    private static int[] Insert(HnswGraph? graph, DocumentEntry document, List<Slot> slots)
    {
        var nodes = new int[document.Chunks.Length];
        for (var position = 0; position < document.Chunks.Length; position++)
        {
            var node = graph?.Add(document.Chunks[position].Vector) ?? slots.Count;
            while (slots.Count <= node)
            {
                slots.Add(default);
            }
            slots[node] = new Slot(document, position);
            nodes[position] = node;
        }
        return nodes;
    }

    internal static HnswParameters Parameters(EmbeddedIndexOptions options) => new(options.M, options.EfConstruction);

    private Func<int, bool>? Filter(IReadOnlyDictionary<string, string>? filter)
    {
        if (filter is null || filter.Count == 0)
        {
            return null;
        }
        return entry => _slots[entry].Document is { } document && Matches(document.Document.Metadata, filter);
    }

    internal static bool Matches(IReadOnlyDictionary<string, string>? metadata, IReadOnlyDictionary<string, string> filter) =>
        filter.All(pair => metadata is not null && metadata.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));

    /// <summary>A node's chunk in this version; a null document is a tombstone.</summary>
    private readonly record struct Slot(DocumentEntry? Document, int Position)
    {
        public StoredChunk Chunk => Document!.Chunks[Position];
    }
}

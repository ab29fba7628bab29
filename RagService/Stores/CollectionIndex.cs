using System.Collections.Immutable;
using System.Numerics.Tensors;
using AiAspire.RagService.Stores.Hnsw;

namespace AiAspire.RagService.Stores;

/// <summary>
/// A search index of one collection (one tenant, one embedding model): the chunks as nodes (dense ids in insertion order),
/// a BM25 keyword index over the same nodes (heading path and text) and, from <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/>
/// live chunks on, an append-only HNSW graph over them. Each version is immutable to its readers: it maps node ids to the
/// chunks it holds, and nodes it does not hold (deleted, replaced, or added by a later version) are tombstones. A write
/// inserts only the new chunks (into the graph too, when there is one). Small collections keep no graph at all — they never
/// search one, so they do not pay its inserts. No write builds a graph: a version that <see cref="WantsGraph"/> (it reached
/// the threshold without one, or its graph's tombstones outgrew <see cref="EmbeddedIndexOptions.RebuildDeadRatio"/>) is
/// served as it is — exactly, or through the old graph — while the store builds the graph in the background and swaps it in
/// (<see cref="Build"/>, then <see cref="Apply"/> of the writes made meanwhile). A collection drops its graph only below
/// <see cref="EmbeddedIndexOptions.ExactSearchBelowRatio"/> of the threshold, so one that hovers at it does not flap. A
/// graph-less collection whose tombstones outgrow the ratio is laid out again in the write (cheap without a graph). Small
/// collections and filtered searches scan exactly (SIMD dot products).
/// </summary>
internal sealed class CollectionIndex
{
    private readonly HnswGraph? _graph;
    private readonly Slot[] _slots;
    private readonly ImmutableDictionary<string, int[]> _nodesByDocument;
    private readonly KeywordIndex _keywords;
    private readonly EmbeddedIndexOptions _options;

    /// <summary>A fresh layout: the keyword index is built from <paramref name="slots"/>.</summary>
    private CollectionIndex(int dimensions, HnswGraph? graph, Slot[] slots, ImmutableDictionary<string, int[]> nodesByDocument, EmbeddedIndexOptions options)
        : this(dimensions, graph, slots, nodesByDocument, null, options)
    {
    }

    /// <param name="keywords">Makes the keyword index of these slots from the previous one; null builds it from the slots.</param>
    private CollectionIndex(int dimensions, HnswGraph? graph, Slot[] slots, ImmutableDictionary<string, int[]> nodesByDocument,
        Func<Func<int, bool>, KeywordIndex>? keywords, EmbeddedIndexOptions options)
    {
        Dimensions = dimensions;
        _graph = graph;
        _slots = slots;
        _nodesByDocument = nodesByDocument;
        _options = options;
        bool IsLive(int node) => slots[node].Document is not null;
        _keywords = keywords?.Invoke(IsLive) ?? KeywordIndex.FromTerms([.. slots.Select(slot => slot.Document?.Terms[slot.Position])], IsLive);
        Count = _keywords.Live;
        // Taken while this version's writer is the graph's only one, so a snapshot of this version can save the graph as it was.
        GraphView = graph?.View ?? default;
    }

    public int Dimensions { get; }

    /// <summary>Live chunks.</summary>
    public int Count { get; }

    /// <summary>Nodes this version does not hold: tombstones (in the graph, still carrying searches).</summary>
    public int Dead => (_graph?.Count ?? _slots.Length) - Count;

    /// <summary>Whether unfiltered searches go through the graph: exactly when there is one (see <see cref="WantsGraph"/>).</summary>
    public bool SearchesApproximately => _graph is not null;

    /// <summary>The HNSW graph; null while the collection is below <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/>.</summary>
    internal HnswGraph? Graph => _graph;

    /// <summary>The graph's nodes and entry point as this version was made: what a save of this version writes.</summary>
    internal HnswGraph.Snapshot GraphView { get; }

    /// <summary>
    /// Whether the store should build this collection a graph in the background: it has none and has reached
    /// <see cref="EmbeddedIndexOptions.ApproximateSearchMinChunks"/>, or its graph carries more tombstones than
    /// <see cref="EmbeddedIndexOptions.RebuildDeadRatio"/> allows.
    /// </summary>
    public bool WantsGraph => _graph is null ? Count >= _options.ApproximateSearchMinChunks : Dead > Count * _options.RebuildDeadRatio;

    /// <summary>A collection with a graph keeps it down to this many live chunks (hysteresis); below, it is searched exactly.</summary>
    private static bool KeepsGraph(int live, EmbeddedIndexOptions options) =>
        live >= options.ApproximateSearchMinChunks * options.ExactSearchBelowRatio;

    /// <summary>The live documents, each once.</summary>
    public IEnumerable<DocumentEntry> Documents() => _nodesByDocument.Values.Select(nodes => _slots[nodes[0]].Document!);

    /// <summary>The live document of this id, if any.</summary>
    public DocumentEntry? DocumentOf(string id) => _nodesByDocument.TryGetValue(id, out var nodes) ? _slots[nodes[0]].Document : null;

    /// <summary>Documents in id order and chunks in index order, so that equal scores rank the same way every time.</summary>
    /// <param name="withGraph">Whether to build an HNSW graph over the chunks (slow: the store does it in the background).</param>
    public static CollectionIndex Build(IEnumerable<DocumentEntry> documents, EmbeddedIndexOptions options, bool withGraph = false,
        CancellationToken cancellationToken = default)
    {
        var ordered = documents.Where(d => !d.Chunks.IsEmpty).OrderBy(d => d.Document.Id, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0)
        {
            throw new ArgumentException("A collection index needs at least one chunk.", nameof(documents));
        }
        var dimensions = ordered[0].Dimensions;
        var graph = withGraph ? new HnswGraph(dimensions, Parameters(options)) : null;
        var slots = new List<Slot>();
        var nodes = ImmutableDictionary.CreateBuilder<string, int[]>(StringComparer.Ordinal);
        foreach (var document in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
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
    /// Falling below the graph's hysteresis line, a new vector length, or too many tombstones without a graph lay the nodes
    /// out again, without a graph; nothing here builds one (see <see cref="WantsGraph"/>).
    /// </summary>
    /// <param name="members">Every document of the collection after the change, for a rebuild.</param>
    public CollectionIndex? Apply(IReadOnlyCollection<string> removed, IReadOnlyList<DocumentEntry> added, Func<IEnumerable<DocumentEntry>> members)
    {
        var slots = new List<Slot>(_slots);
        var nodes = _nodesByDocument.ToBuilder();
        var removedNodes = new List<int>();
        foreach (var id in removed)
        {
            if (nodes.Remove(id, out var gone))
            {
                foreach (var node in gone)
                {
                    slots[node] = default;
                    removedNodes.Add(node);
                }
            }
        }
        var addedChunks = added.Sum(d => d.Chunks.Length);
        var live = Count - removedNodes.Count + addedChunks;
        if (live == 0)
        {
            return null;
        }
        // Nodes a failed write left behind count as dead too: the graph (or the keyword index) holds them, no version does.
        var dead = Math.Max(_graph?.Count ?? slots.Count, _keywords.Reserved) - (live - addedChunks);
        // A new vector length is allowed only once the old chunks are all gone (the store checks): that takes new nodes too.
        if ((_graph is null && dead > live * _options.RebuildDeadRatio) || added.Any(d => !d.Chunks.IsEmpty && d.Dimensions != Dimensions)
            || (_graph is not null && !KeepsGraph(live, _options)))
        {
            return Build(members(), _options);
        }
        // Writes are serialized per tenant, so this is the graph's only writer; readers of this version ignore the new nodes.
        for (var node = slots.Count; node < Math.Max(_graph?.Count ?? 0, _keywords.Reserved); node++)
        {
            slots.Add(default);
        }
        var addedNodes = new List<(int Node, IReadOnlyList<string> Terms)>(addedChunks);
        foreach (var document in added.Where(d => !d.Chunks.IsEmpty))
        {
            var inserted = Insert(_graph, document, slots);
            nodes[document.Document.Id] = inserted;
            for (var position = 0; position < inserted.Length; position++)
            {
                addedNodes.Add((inserted[position], document.Terms[position]));
            }
        }
        var keywords = _keywords;
        return new CollectionIndex(Dimensions, _graph, [.. slots], nodes.ToImmutable(),
            isLive => keywords.Apply(removedNodes, addedNodes, slots.Count, isLive), _options);
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

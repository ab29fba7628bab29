using System.Numerics.Tensors;

namespace AiAspire.RagService.Stores.Hnsw;

/// <summary>
/// A hierarchical navigable small world graph (Malkov and Yashunin, 2018) over unit vectors, scored by dot product (cosine).
/// One writer at a time (the caller serializes writes); readers never lock: nodes are only appended, a node's neighbour list
/// is replaced whole, and a search skips any node newer than the state it started from. Nodes are never removed: the
/// caller hides deleted ones with its liveness predicate (tombstones) and builds a new graph when too many are dead.
/// </summary>
internal sealed class HnswGraph
{
    private const int MaxLevel = 16;

    [ThreadStatic]
    private static VisitedSet? t_visited;

    private readonly Random _random;
    private readonly double _levelFactor;
    private volatile State _state;

    public HnswGraph(int dimensions, HnswParameters parameters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentNullException.ThrowIfNull(parameters);
        Dimensions = dimensions;
        Parameters = parameters;
        _levelFactor = 1 / Math.Log(parameters.M);
        // Seeded, so that the same inserts build the same graph: searches and tests are reproducible.
        _random = new Random(parameters.Seed);
        _state = new State([], 0, -1, -1);
    }

    public int Dimensions { get; }

    public HnswParameters Parameters { get; }

    /// <summary>Nodes published so far, dead ones included.</summary>
    public int Count => _state.Count;

    public ReadOnlyMemory<float> VectorOf(int node) => _state.Nodes[node].Vector;

    /// <summary>Adds a unit vector and links it in; returns its node id (ids are dense, in insertion order). Not thread-safe.</summary>
    public int Add(ReadOnlyMemory<float> vector)
    {
        if (vector.Length != Dimensions)
        {
            throw new ArgumentException($"The graph holds {Dimensions}-dimensional vectors, not {vector.Length}.", nameof(vector));
        }
        var level = Math.Min(MaxLevel, (int)(-Math.Log(1 - _random.NextDouble()) * _levelFactor));
        var links = new int[level + 1][];
        Array.Fill(links, []);
        return Append(new Node(vector, links), link: true);
    }

    /// <summary>
    /// The best <paramref name="k"/> nodes that <paramref name="isLive"/> accepts, best first, exploring <paramref name="ef"/>
    /// candidates at the bottom layer (at least <paramref name="k"/>); dead nodes still carry the search through the graph.
    /// </summary>
    public List<(int Node, float Score)> Search(ReadOnlySpan<float> query, int k, int ef, Func<int, bool>? isLive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var state = _state;
        if (state.Count == 0)
        {
            return [];
        }
        var entry = state.Entry;
        var entryScore = Score(state, query, entry);
        for (var layer = state.TopLevel; layer > 0; layer--)
        {
            (entry, entryScore) = Greedy(state, query, entry, entryScore, layer);
        }
        var found = SearchLayer(state, query, entry, entryScore, Math.Max(ef, k), 0, isLive);
        if (found.Count > k)
        {
            found.RemoveRange(k, found.Count - k);
        }
        return found;
    }

    /// <summary>Node <paramref name="node"/>'s neighbours at <paramref name="layer"/> (empty above its level).</summary>
    public IReadOnlyList<int> NeighboursOf(int node, int layer)
    {
        var links = _state.Nodes[node].Links;
        return layer < links.Length ? links[layer] : [];
    }

    public int LevelOf(int node) => _state.Nodes[node].Links.Length - 1;

    /// <summary>Nodes published so far and the entry point, read together: what <see cref="HnswGraphFile"/> saves.</summary>
    public Snapshot View
    {
        get
        {
            var state = _state;
            return new Snapshot(state.Count, state.Entry, state.TopLevel);
        }
    }

    public (int Entry, int TopLevel) EntryPoint
    {
        get
        {
            var state = _state;
            return (state.Entry, state.TopLevel);
        }
    }

    /// <summary>Rebuilds a persisted graph node by node, links as they were (see <see cref="HnswGraphFile"/>).</summary>
    internal static HnswGraph Restore(int dimensions, HnswParameters parameters, IReadOnlyList<(ReadOnlyMemory<float> Vector, int[][] Links)> nodes, int entry, int topLevel)
    {
        var graph = new HnswGraph(dimensions, parameters);
        foreach (var (vector, links) in nodes)
        {
            if (vector.Length != dimensions || links.Length is 0 or > MaxLevel + 1 || links.Any(layer => layer.Any(id => (uint)id >= (uint)nodes.Count)))
            {
                throw new InvalidDataException("A persisted graph node has a vector of the wrong length or links out of range.");
            }
            graph.Append(new Node(vector, links), link: false);
        }
        if (nodes.Count > 0 && ((uint)entry >= (uint)nodes.Count || topLevel != nodes[entry].Links.Length - 1))
        {
            throw new InvalidDataException("A persisted graph's entry point is out of range.");
        }
        var state = graph._state;
        graph._state = new State(state.Nodes, state.Count, nodes.Count == 0 ? -1 : entry, nodes.Count == 0 ? -1 : topLevel);
        return graph;
    }

    private int Append(Node node, bool link)
    {
        var state = _state;
        var id = state.Count;
        var nodes = state.Nodes;
        if (id == nodes.Length)
        {
            // Readers holding the old array never look past their own count, so copying the references is enough.
            Array.Resize(ref nodes, Math.Max(16, nodes.Length * 2));
        }
        nodes[id] = node;
        var level = node.Links.Length - 1;
        if (!link || state.Count == 0)
        {
            _state = new State(nodes, id + 1, state.Count == 0 || level > state.TopLevel ? id : state.Entry, Math.Max(level, state.TopLevel));
            return id;
        }

        // The writer's view includes the new node's slot, so that links to it are valid once published.
        var writer = new State(nodes, id + 1, state.Entry, state.TopLevel);
        var query = node.Vector.Span;
        var entry = state.Entry;
        var entryScore = Score(writer, query, entry);
        for (var layer = state.TopLevel; layer > level; layer--)
        {
            (entry, entryScore) = Greedy(writer, query, entry, entryScore, layer);
        }
        for (var layer = Math.Min(level, state.TopLevel); layer >= 0; layer--)
        {
            var candidates = SearchLayer(writer, query, entry, entryScore, Parameters.EfConstruction, layer, isLive: null, exclude: id);
            var neighbours = SelectNeighbours(writer, candidates, Parameters.M);
            node.Links[layer] = [.. neighbours];
            foreach (var neighbour in neighbours)
            {
                Connect(writer, neighbour, id, layer);
            }
            (entry, entryScore) = candidates[0];
        }
        _state = new State(nodes, id + 1, level > state.TopLevel ? id : state.Entry, Math.Max(level, state.TopLevel));
        return id;
    }

    /// <summary>Adds <paramref name="added"/> to <paramref name="node"/>'s list, pruning it back to size with the same heuristic.</summary>
    private void Connect(State state, int node, int added, int layer)
    {
        var target = state.Nodes[node];
        var current = target.Links[layer];
        var limit = layer == 0 ? Parameters.M * 2 : Parameters.M;
        int[] next;
        if (current.Length < limit)
        {
            next = [.. current, added];
        }
        else
        {
            var vector = target.Vector;
            var scored = current.Append(added).Select(id => (id, Score(state, vector.Span, id))).OrderByDescending(c => c.Item2).ThenBy(c => c.id).ToList();
            next = [.. SelectNeighbours(state, scored, limit)];
        }
        // Replaced whole: a concurrent reader sees the old list or the new one, never a torn one.
        Volatile.Write(ref target.Links[layer], next);
    }

    /// <summary>
    /// The neighbour heuristic of the paper (algorithm 4): walking candidates best first, keep one only if it is closer to the
    /// base than to every one kept so far, so that links spread in different directions; fill up with the closest pruned ones.
    /// </summary>
    private static List<int> SelectNeighbours(State state, List<(int Node, float Score)> candidates, int limit)
    {
        var selected = new List<int>(limit);
        var pruned = new List<int>();
        foreach (var (candidate, score) in candidates)
        {
            if (selected.Count >= limit)
            {
                break;
            }
            var vector = state.Nodes[candidate].Vector.Span;
            var diverse = true;
            foreach (var kept in selected)
            {
                if (TensorPrimitives.Dot(vector, state.Nodes[kept].Vector.Span) > score)
                {
                    diverse = false;
                    break;
                }
            }
            if (diverse)
            {
                selected.Add(candidate);
            }
            else
            {
                pruned.Add(candidate);
            }
        }
        for (var i = 0; i < pruned.Count && selected.Count < limit; i++)
        {
            selected.Add(pruned[i]);
        }
        return selected;
    }

    private static (int Node, float Score) Greedy(State state, ReadOnlySpan<float> query, int entry, float entryScore, int layer)
    {
        for (var improved = true; improved;)
        {
            improved = false;
            var links = state.Nodes[entry].Links;
            if (layer >= links.Length)
            {
                break;
            }
            foreach (var neighbour in Volatile.Read(ref links[layer]))
            {
                if (neighbour >= state.Count)
                {
                    continue;
                }
                var score = Score(state, query, neighbour);
                if (score > entryScore)
                {
                    (entry, entryScore, improved) = (neighbour, score, true);
                }
            }
        }
        return (entry, entryScore);
    }

    /// <summary>Best-first search of one layer; returns up to <paramref name="ef"/> nodes (live ones only, if a predicate is given), best first.</summary>
    private static List<(int Node, float Score)> SearchLayer(
        State state, ReadOnlySpan<float> query, int entry, float entryScore, int ef, int layer, Func<int, bool>? isLive, int exclude = -1)
    {
        var visited = t_visited ??= new VisitedSet();
        visited.Reset(state.Count);
        visited.TryVisit(entry);
        // Candidates: best first (negated score); results: worst first, so the worst is dropped as better ones arrive.
        var candidates = new PriorityQueue<int, float>();
        var results = new PriorityQueue<int, (float Score, int Node)>(ef + 1, ResultOrder.Instance);
        candidates.Enqueue(entry, -entryScore);
        if (entry != exclude && (isLive is null || isLive(entry)))
        {
            results.Enqueue(entry, (entryScore, entry));
        }
        var lowerBound = results.Count > 0 ? entryScore : float.NegativeInfinity;

        while (candidates.TryDequeue(out var current, out var negated))
        {
            if (-negated < lowerBound && results.Count >= ef)
            {
                break;
            }
            var links = state.Nodes[current].Links;
            if (layer >= links.Length)
            {
                continue;
            }
            foreach (var neighbour in Volatile.Read(ref links[layer]))
            {
                if (neighbour >= state.Count || !visited.TryVisit(neighbour))
                {
                    continue;
                }
                var score = Score(state, query, neighbour);
                if (results.Count < ef || score > lowerBound)
                {
                    candidates.Enqueue(neighbour, -score);
                    if (neighbour != exclude && (isLive is null || isLive(neighbour)))
                    {
                        results.Enqueue(neighbour, (score, neighbour));
                        if (results.Count > ef)
                        {
                            results.Dequeue();
                        }
                    }
                    if (results.Count > 0 && results.TryPeek(out _, out var worst))
                    {
                        lowerBound = worst.Score;
                    }
                }
            }
        }

        var found = new List<(int Node, float Score)>(results.Count);
        while (results.TryDequeue(out var node, out var key))
        {
            found.Add((node, key.Score));
        }
        found.Reverse();
        return found;
    }

    private static float Score(State state, ReadOnlySpan<float> query, int node) => TensorPrimitives.Dot(query, state.Nodes[node].Vector.Span);

    /// <summary>The graph as of <see cref="Count"/> nodes: later nodes (and links to them) are not part of it.</summary>
    public readonly record struct Snapshot(int Count, int Entry, int TopLevel);

    private sealed class Node(ReadOnlyMemory<float> vector, int[][] links)
    {
        public ReadOnlyMemory<float> Vector { get; } = vector;

        /// <summary>Per layer, 0 to the node's level; each list is replaced whole, never edited in place.</summary>
        public int[][] Links { get; } = links;
    }

    /// <summary>What a reader sees: the nodes array (slots at or past <see cref="Count"/> are not yet published) and the entry point.</summary>
    private sealed record State(Node[] Nodes, int Count, int Entry, int TopLevel);

    /// <summary>Worst score first; between equal scores the later node is worse, so ties keep the earlier one.</summary>
    private sealed class ResultOrder : IComparer<(float Score, int Node)>
    {
        public static readonly ResultOrder Instance = new();

        public int Compare((float Score, int Node) x, (float Score, int Node) y) =>
            x.Score != y.Score ? x.Score.CompareTo(y.Score) : y.Node.CompareTo(x.Node);
    }

    /// <summary>Visited marks by generation, reused per thread: no clearing between searches.</summary>
    private sealed class VisitedSet
    {
        private int[] _marks = [];
        private int _generation;

        public void Reset(int count)
        {
            if (_marks.Length < count)
            {
                _marks = new int[Math.Max(count, _marks.Length * 2)];
                _generation = 0;
            }
            if (++_generation == int.MaxValue)
            {
                Array.Clear(_marks);
                _generation = 1;
            }
        }

        public bool TryVisit(int node)
        {
            if (_marks[node] == _generation)
            {
                return false;
            }
            _marks[node] = _generation;
            return true;
        }
    }
}

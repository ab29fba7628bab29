using System.Numerics.Tensors;

namespace AiAspire.RagService.Stores;

/// <summary>
/// An immutable search index of one collection: all vectors in one contiguous array, scanned with SIMD dot products, and
/// a BM25 keyword index over the same entries (heading path and text).
/// </summary>
internal sealed class CollectionIndex
{
    private readonly float[] _vectors;
    private readonly (DocumentEntry Document, StoredChunk Chunk)[] _entries;
    private readonly KeywordIndex _keywords;

    private CollectionIndex(int dimensions, float[] vectors, (DocumentEntry, StoredChunk)[] entries, KeywordIndex keywords)
    {
        Dimensions = dimensions;
        _vectors = vectors;
        _entries = entries;
        _keywords = keywords;
    }

    public int Dimensions { get; }

    public int Count => _entries.Length;

    /// <summary>Documents in id order and chunks in index order, so that equal scores rank the same way every time.</summary>
    public static CollectionIndex Build(IEnumerable<DocumentEntry> documents)
    {
        var ordered = documents.OrderBy(d => d.Document.Id, StringComparer.Ordinal).ToList();
        var entries = ordered.SelectMany(d => d.Chunks.Select(c => (d, c))).ToArray();
        var dimensions = entries.Length == 0 ? 0 : entries[0].c.Vector.Length;
        var vectors = new float[entries.Length * dimensions];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].c.Vector.Span.CopyTo(vectors.AsSpan(i * dimensions, dimensions));
        }
        var keywords = KeywordIndex.FromTerms([.. ordered.SelectMany(d => d.Terms)]);
        return new CollectionIndex(dimensions, vectors, entries, keywords);
    }

    /// <param name="query">Unit length, <see cref="Dimensions"/> long.</param>
    /// <param name="filter">Metadata pairs an entry's document must all have; null or empty admits every entry.</param>
    public List<VectorMatch> Search(ReadOnlySpan<float> query, int topK, double minScore, IReadOnlyDictionary<string, string>? filter)
    {
        var include = Filter(filter);
        // A min-heap of the best so far; ties prefer the earlier entry.
        var best = new PriorityQueue<int, (float Score, int Index)>(topK + 1,
            Comparer<(float Score, int Index)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Index.CompareTo(a.Index)));
        for (var i = 0; i < _entries.Length; i++)
        {
            var score = TensorPrimitives.Dot(query, _vectors.AsSpan(i * Dimensions, Dimensions));
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
            var (document, chunk) = _entries[index];
            matches.Add(new VectorMatch(document.Document, chunk, Math.Clamp(key.Score, -1f, 1f)));
        }
        matches.Reverse();
        return matches;
    }

    /// <summary>BM25 over heading paths and texts; only entries that share a term with <paramref name="query"/> can match.</summary>
    public List<KeywordMatch> SearchKeywords(string query, int topK, IReadOnlyDictionary<string, string>? filter) =>
        [.. _keywords.Search(query, topK, Filter(filter)).Select(hit =>
            new KeywordMatch(_entries[hit.Entry].Document.Document, _entries[hit.Entry].Chunk, hit.Score))];

    private Func<int, bool>? Filter(IReadOnlyDictionary<string, string>? filter)
    {
        if (filter is null || filter.Count == 0)
        {
            return null;
        }
        return entry => Matches(_entries[entry].Document.Document.Metadata, filter);
    }

    internal static bool Matches(IReadOnlyDictionary<string, string>? metadata, IReadOnlyDictionary<string, string> filter) =>
        filter.All(pair => metadata is not null && metadata.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));
}

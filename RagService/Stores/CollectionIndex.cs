using System.Numerics.Tensors;

namespace AiAspire.RagService.Stores;

/// <summary>An immutable exact-search index: all vectors of a collection in one contiguous array, scanned with SIMD dot products.</summary>
internal sealed class CollectionIndex
{
    private readonly float[] _vectors;
    private readonly (DocumentEntry Document, StoredChunk Chunk)[] _entries;

    private CollectionIndex(int dimensions, float[] vectors, (DocumentEntry, StoredChunk)[] entries)
    {
        Dimensions = dimensions;
        _vectors = vectors;
        _entries = entries;
    }

    public int Dimensions { get; }

    public int Count => _entries.Length;

    /// <summary>Documents in id order and chunks in index order, so that equal scores rank the same way every time.</summary>
    public static CollectionIndex Build(IEnumerable<DocumentEntry> documents)
    {
        var entries = documents
            .OrderBy(d => d.Document.Id, StringComparer.Ordinal)
            .SelectMany(d => d.Chunks.Select(c => (d, c)))
            .ToArray();
        var dimensions = entries.Length == 0 ? 0 : entries[0].c.Vector.Length;
        var vectors = new float[entries.Length * dimensions];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i].c.Vector.Span.CopyTo(vectors.AsSpan(i * dimensions, dimensions));
        }
        return new CollectionIndex(dimensions, vectors, entries);
    }

    /// <param name="query">Unit length, <see cref="Dimensions"/> long.</param>
    public List<VectorMatch> Search(ReadOnlySpan<float> query, int topK, double minScore)
    {
        // A min-heap of the best so far; ties prefer the earlier entry.
        var best = new PriorityQueue<int, (float Score, int Index)>(topK + 1,
            Comparer<(float Score, int Index)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Index.CompareTo(a.Index)));
        for (var i = 0; i < _entries.Length; i++)
        {
            var score = TensorPrimitives.Dot(query, _vectors.AsSpan(i * Dimensions, Dimensions));
            if (score < minScore)
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
}

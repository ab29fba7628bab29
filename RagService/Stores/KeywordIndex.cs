namespace AiAspire.RagService.Stores;

/// <summary>
/// An immutable BM25 index (k1 = 1.2, b = 0.75) over the entries of one <see cref="CollectionIndex"/>: an inverted list of
/// (entry, term frequency) per term, scored term at a time into one accumulator per entry.
/// </summary>
internal sealed class KeywordIndex
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    private readonly Dictionary<string, Posting[]> _postings;
    private readonly int[] _lengths;
    private readonly float _averageLength;
    private readonly int _live;

    private KeywordIndex(Dictionary<string, Posting[]> postings, int[] lengths, int live)
    {
        _postings = postings;
        _lengths = lengths;
        _live = live;
        _averageLength = live == 0 ? 0 : (float)((double)lengths.Sum(l => (long)l) / live);
    }

    /// <summary>Entries, tombstones included.</summary>
    public int Count => _lengths.Length;

    public int Terms => _postings.Count;

    /// <param name="texts">The searchable text of each entry, in entry order.</param>
    public static KeywordIndex Build(IReadOnlyList<string> texts) => FromTerms([.. texts.Select(KeywordTokenizer.Tokenize)]);

    /// <param name="entryTerms">The <see cref="KeywordTokenizer"/> terms of each entry, in entry order; null for a tombstone, which neither matches nor counts in the statistics.</param>
    public static KeywordIndex FromTerms(IReadOnlyList<IReadOnlyList<string>?> entryTerms)
    {
        var live = 0;
        var lists = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        var lengths = new int[entryTerms.Count];
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var entry = 0; entry < entryTerms.Count; entry++)
        {
            frequencies.Clear();
            var terms = entryTerms[entry];
            if (terms is null)
            {
                continue;
            }
            live++;
            lengths[entry] = terms.Count;
            foreach (var term in terms)
            {
                frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
            }
            foreach (var (term, frequency) in frequencies)
            {
                if (!lists.TryGetValue(term, out var list))
                {
                    lists[term] = list = [];
                }
                list.Add(new Posting(entry, frequency));
            }
        }
        return new KeywordIndex(lists.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal), lengths, live);
    }

    /// <summary>The best <paramref name="topK"/> entries with a positive score that <paramref name="include"/> accepts, best first; ties prefer the earlier entry.</summary>
    public List<(int Entry, float Score)> Search(string query, int topK, Func<int, bool>? include)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        var results = new List<(int, float)>();
        if (_live == 0)
        {
            return results;
        }
        var scores = new float[Count];
        var touched = new List<int>();
        // A repeated query term counts once: queries are questions, not weighted term lists.
        foreach (var term in KeywordTokenizer.Tokenize(query).Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGetValue(term, out var postings))
            {
                continue;
            }
            var idf = MathF.Log(1 + ((_live - postings.Length + 0.5f) / (postings.Length + 0.5f)));
            foreach (var (entry, frequency) in postings)
            {
                if (scores[entry] == 0)
                {
                    touched.Add(entry);
                }
                var norm = K1 * (1 - B + (B * _lengths[entry] / _averageLength));
                scores[entry] += idf * frequency * (K1 + 1) / (frequency + norm);
            }
        }

        var best = new PriorityQueue<int, (float Score, int Entry)>(topK + 1,
            Comparer<(float Score, int Entry)>.Create((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Entry.CompareTo(a.Entry)));
        foreach (var entry in touched)
        {
            var score = scores[entry];
            if (score <= 0 || (include is not null && !include(entry)))
            {
                continue;
            }
            if (best.Count < topK)
            {
                best.Enqueue(entry, (score, entry));
            }
            else if (best.TryPeek(out _, out var worst) && (score > worst.Score || (score == worst.Score && entry < worst.Entry)))
            {
                best.DequeueEnqueue(entry, (score, entry));
            }
        }
        while (best.TryDequeue(out var entry, out var key))
        {
            results.Add((entry, key.Score));
        }
        results.Reverse();
        return results;
    }

    private readonly record struct Posting(int Entry, int Frequency);
}

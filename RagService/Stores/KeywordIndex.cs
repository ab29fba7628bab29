using System.Collections.Concurrent;

namespace AiAspire.RagService.Stores;

/// <summary>
/// A BM25 index (k1 = 1.2, b = 0.75) over the entries of one <see cref="CollectionIndex"/>: an inverted list of
/// (entry, term frequency) per term, scored term at a time into one accumulator per entry. Each version is immutable to its
/// readers, and a write makes the next one incrementally: the posting lists and entry lengths are shared and append-only
/// (a version ignores entries past its own count), liveness is the owner's (a deleted entry's postings stay as tombstones
/// until the owner lays its entries out again), and the statistics — live entries, their total length — are carried per
/// version. Document frequencies count only live postings, at query time, so every score equals what a fresh build over
/// the live entries would give.
/// </summary>
internal sealed class KeywordIndex
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    private readonly Postings _postings;
    private readonly Func<int, bool> _isLive;
    private readonly int _live;
    private readonly long _totalLength;
    private readonly float _averageLength;

    private KeywordIndex(Postings postings, int count, Func<int, bool> isLive, int live, long totalLength)
    {
        _postings = postings;
        Count = count;
        _isLive = isLive;
        _live = live;
        _totalLength = totalLength;
        _averageLength = live == 0 ? 0 : (float)((double)totalLength / live);
    }

    /// <summary>Entries, tombstones included.</summary>
    public int Count { get; }

    /// <summary>Live entries.</summary>
    public int Live => _live;

    /// <summary>Entry numbers taken so far, by any version (a failed write's included): the next entry added is at least this.</summary>
    public int Reserved => _postings.Reserved;

    /// <summary>Distinct terms ever indexed (tombstones' included).</summary>
    public int Terms => _postings.Terms;

    /// <param name="texts">The searchable text of each entry, in entry order.</param>
    public static KeywordIndex Build(IReadOnlyList<string> texts) => FromTerms([.. texts.Select(KeywordTokenizer.Tokenize)]);

    /// <param name="entryTerms">The <see cref="KeywordTokenizer"/> terms of each entry, in entry order; null for a tombstone, which neither matches nor counts in the statistics.</param>
    public static KeywordIndex FromTerms(IReadOnlyList<IReadOnlyList<string>?> entryTerms)
    {
        var live = new bool[entryTerms.Count];
        for (var entry = 0; entry < entryTerms.Count; entry++)
        {
            live[entry] = entryTerms[entry] is not null;
        }
        return FromTerms(entryTerms, entry => live[entry]);
    }

    /// <param name="isLive">Whether an entry below <c>entryTerms.Count</c> is live; it must agree with which terms are null.</param>
    public static KeywordIndex FromTerms(IReadOnlyList<IReadOnlyList<string>?> entryTerms, Func<int, bool> isLive)
    {
        var postings = new Postings();
        var live = 0;
        var total = 0L;
        for (var entry = 0; entry < entryTerms.Count; entry++)
        {
            if (entryTerms[entry] is { } terms)
            {
                postings.Add(entry, terms);
                live++;
                total += terms.Count;
            }
        }
        postings.Reserve(entryTerms.Count);
        return new KeywordIndex(postings, entryTerms.Count, isLive, live, total);
    }

    /// <summary>
    /// The next version: <paramref name="removed"/> entries (live in this one) stop counting, <paramref name="added"/> ones
    /// (numbered past every entry added before, in increasing order) are appended. One writer at a time; readers of this
    /// version are unaffected.
    /// </summary>
    /// <param name="count">Entries of the next version, tombstones included.</param>
    /// <param name="isLive">The next version's liveness.</param>
    public KeywordIndex Apply(IEnumerable<int> removed, IEnumerable<(int Entry, IReadOnlyList<string> Terms)> added, int count, Func<int, bool> isLive)
    {
        var live = _live;
        var total = _totalLength;
        foreach (var entry in removed)
        {
            live--;
            total -= _postings.LengthOf(entry);
        }
        foreach (var (entry, terms) in added)
        {
            _postings.Add(entry, terms);
            live++;
            total += terms.Count;
        }
        _postings.Reserve(count);
        return new KeywordIndex(_postings, count, isLive, live, total);
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
        var count = Count;
        // A repeated query term counts once: queries are questions, not weighted term lists.
        foreach (var term in KeywordTokenizer.Tokenize(query).Distinct(StringComparer.Ordinal))
        {
            if (!_postings.TryGet(term, out var postings, out var length))
            {
                continue;
            }
            var frequencyOfTerm = 0;
            for (var i = 0; i < length; i++)
            {
                var entry = postings[i].Entry;
                if (entry < count && _isLive(entry))
                {
                    frequencyOfTerm++;
                }
            }
            if (frequencyOfTerm == 0)
            {
                continue;
            }
            var idf = MathF.Log(1 + ((_live - frequencyOfTerm + 0.5f) / (frequencyOfTerm + 0.5f)));
            for (var i = 0; i < length; i++)
            {
                var (entry, frequency) = postings[i];
                if (entry >= count || !_isLive(entry))
                {
                    continue;
                }
                if (scores[entry] == 0)
                {
                    touched.Add(entry);
                }
                var norm = K1 * (1 - B + (B * _postings.LengthOf(entry) / _averageLength));
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

    /// <summary>
    /// The shared, append-only part: one posting list per term and each entry's length. The single writer publishes an
    /// item before the count that covers it, and a grown array before the count that needs it, so a reader that reads the
    /// count first never sees a slot that is not written.
    /// </summary>
    private sealed class Postings
    {
        private readonly ConcurrentDictionary<string, PostingList> _lists = new(StringComparer.Ordinal);
        private int[] _lengths = [];
        private int _reserved;

        public int Terms => _lists.Count;

        public int Reserved => _reserved;

        public int LengthOf(int entry) => Volatile.Read(ref _lengths)[entry];

        public bool TryGet(string term, out Posting[] postings, out int length)
        {
            if (_lists.TryGetValue(term, out var list))
            {
                length = list.Count;
                postings = list.Items;
                return true;
            }
            postings = [];
            length = 0;
            return false;
        }

        /// <summary>Keeps entry numbers below <paramref name="count"/> from being added again (a failed write's included).</summary>
        public void Reserve(int count) => _reserved = Math.Max(_reserved, count);

        public void Add(int entry, IReadOnlyList<string> terms)
        {
            if (entry < _reserved)
            {
                throw new InvalidOperationException($"Entry {entry} is already indexed; entries are appended in increasing order.");
            }
            _reserved = entry + 1;
            var lengths = _lengths;
            if (entry >= lengths.Length)
            {
                Array.Resize(ref lengths, Math.Max(Math.Max(16, entry + 1), lengths.Length * 2));
                lengths[entry] = terms.Count;
                Volatile.Write(ref _lengths, lengths);
            }
            else
            {
                lengths[entry] = terms.Count;
            }
            var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var term in terms)
            {
                frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
            }
            foreach (var (term, frequency) in frequencies)
            {
                _lists.GetOrAdd(term, static _ => new PostingList()).Add(new Posting(entry, frequency));
            }
        }
    }

    private sealed class PostingList
    {
        private Posting[] _items = new Posting[2];
        private int _count;

        public int Count => Volatile.Read(ref _count);

        /// <summary>Read after <see cref="Count"/>: holds at least that many postings.</summary>
        public Posting[] Items => Volatile.Read(ref _items);

        public void Add(Posting posting)
        {
            var items = _items;
            if (_count == items.Length)
            {
                Array.Resize(ref items, items.Length * 2);
                Volatile.Write(ref _items, items);
            }
            items[_count] = posting;
            Volatile.Write(ref _count, _count + 1);
        }
    }
}

namespace AiAspire.FeedbackWorker.Projections;

/// <summary>
/// A mergeable latency histogram with logarithmic buckets (as in DDSketch): a percentile it reports is within
/// <see cref="RelativeAccuracy"/> of the true latency at that rank, for latencies from <see cref="MinTrackableMs"/>
/// to <see cref="MaxTrackableMs"/>. Buckets are small integers, so their counts can be kept in a Redis hash and added
/// up across minutes, routes and models.
/// </summary>
/// <remarks>The constants give stored bucket numbers their meaning: changing them needs new keys.</remarks>
public sealed class LatencyHistogram
{
    public const double RelativeAccuracy = 0.05;

    /// <summary>Latencies at or below this share bucket 0, reported as 0 ms.</summary>
    public const double MinTrackableMs = 0.01;

    /// <summary>Latencies above this (a day) count in the top bucket.</summary>
    public const double MaxTrackableMs = 86_400_000;

    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    public static readonly int MaxBucket = (int)Math.Ceiling(Math.Log(MaxTrackableMs / MinTrackableMs) / LogGamma);

    private readonly long[] _counts = new long[MaxBucket + 1];

    public long Count { get; private set; }

    /// <summary>The bucket of a latency: bucket k ≥ 1 holds (min·γ^(k−1), min·γ^k].</summary>
    public static int BucketOf(double latencyMs)
    {
        if (!(latencyMs > MinTrackableMs))
        {
            return 0;
        }
        if (latencyMs >= MaxTrackableMs)
        {
            return MaxBucket;
        }
        var bucket = (int)Math.Ceiling(Math.Log(latencyMs / MinTrackableMs) / LogGamma);
        return Math.Clamp(bucket, 1, MaxBucket);
    }

    /// <summary>The latency a bucket stands for: the point with the same relative distance to both of its bounds.</summary>
    public static double ValueOf(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucket, MaxBucket);
        return bucket == 0 ? 0 : MinTrackableMs * Math.Pow(Gamma, bucket) * 2 / (Gamma + 1);
    }

    public void Record(double latencyMs) => Add(BucketOf(latencyMs), 1);

    public void Add(int bucket, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucket, MaxBucket);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[bucket] += count;
        Count += count;
    }

    public void Merge(LatencyHistogram other)
    {
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            _counts[bucket] += other._counts[bucket];
        }
        Count += other.Count;
    }

    /// <summary>The non-empty buckets, lowest first.</summary>
    public IEnumerable<(int Bucket, long Count)> Buckets()
    {
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            if (_counts[bucket] > 0)
            {
                yield return (bucket, _counts[bucket]);
            }
        }
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0.95 for p95): that of the sample of rank ⌊q·(n−1)⌋; 0 when empty.</summary>
    public double ValueAtQuantile(double q)
    {
        if (double.IsNaN(q) || q < 0 || q > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is between 0 and 1.");
        }
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Floor(q * (Count - 1));
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += _counts[bucket];
            if (seen > rank)
            {
                return ValueOf(bucket);
            }
        }
        return ValueOf(MaxBucket);
    }
}

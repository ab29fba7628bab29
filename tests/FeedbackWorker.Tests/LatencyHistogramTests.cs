using AiAspire.FeedbackWorker.Projections;

namespace AiAspire.FeedbackWorker.Tests;

public class LatencyHistogramTests
{
    private const double Tolerance = LatencyHistogram.RelativeAccuracy + 1e-9;
    private static readonly double[] Quantiles = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

    [Fact]
    public void ValueAtQuantile_OfLogNormalLatencies_IsWithinTheRelativeAccuracyOfTheExactPercentile()
    {
        var random = new Random(20261128);
        var samples = Enumerable.Range(0, 20_000)
            .Select(_ => Math.Exp(5.5 + 0.9 * Gaussian(random)))
            .ToArray();

        AssertQuantilesWithinBound(samples);
    }

    [Fact]
    public void ValueAtQuantile_AcrossTheWholeTrackableRange_IsWithinTheRelativeAccuracy()
    {
        var random = new Random(7);
        var low = Math.Log(LatencyHistogram.MinTrackableMs * 1.0001);
        var high = Math.Log(LatencyHistogram.MaxTrackableMs);
        var samples = Enumerable.Range(0, 5_000)
            .Select(_ => Math.Exp(low + (high - low) * random.NextDouble()))
            .ToArray();

        AssertQuantilesWithinBound(samples);
    }

    [Theory]
    [InlineData(0.0101)]
    [InlineData(0.5)]
    [InlineData(1)]
    [InlineData(12.34)]
    [InlineData(250)]
    [InlineData(999.9)]
    [InlineData(60_000)]
    [InlineData(3_600_000)]
    public void EveryBucket_StandsForItsLatenciesWithinTheRelativeAccuracy(double latencyMs)
    {
        var value = LatencyHistogram.ValueOf(LatencyHistogram.BucketOf(latencyMs));

        Assert.InRange(Math.Abs(value - latencyMs) / latencyMs, 0, Tolerance);
    }

    [Fact]
    public void Buckets_AreFewEnoughForAHash()
    {
        Assert.InRange(LatencyHistogram.MaxBucket, 100, 400);
    }

    [Fact]
    public void Merge_GivesTheSameHistogramAsRecordingEverythingInOne()
    {
        var random = new Random(42);
        var samples = Enumerable.Range(0, 3_000).Select(_ => 1 + random.NextDouble() * 2_000).ToArray();
        var left = new LatencyHistogram();
        var right = new LatencyHistogram();
        var whole = new LatencyHistogram();
        for (var i = 0; i < samples.Length; i++)
        {
            (i % 3 == 0 ? left : right).Record(samples[i]);
            whole.Record(samples[i]);
        }

        left.Merge(right);

        Assert.Equal(whole.Count, left.Count);
        Assert.Equal(whole.Buckets(), left.Buckets());
        foreach (var q in Quantiles)
        {
            Assert.Equal(whole.ValueAtQuantile(q), left.ValueAtQuantile(q));
        }
    }

    [Fact]
    public void Add_OfStoredBucketCounts_RebuildsTheHistogram()
    {
        var recorded = new LatencyHistogram();
        foreach (var latency in new[] { 3.0, 3.1, 40, 41, 42, 900 })
        {
            recorded.Record(latency);
        }

        var rebuilt = new LatencyHistogram();
        foreach (var (bucket, count) in recorded.Buckets())
        {
            rebuilt.Add(bucket, count);
        }

        Assert.Equal(6, rebuilt.Count);
        Assert.Equal(recorded.ValueAtQuantile(0.5), rebuilt.ValueAtQuantile(0.5));
        Assert.InRange(rebuilt.ValueAtQuantile(0.5), 40 * (1 - Tolerance), 41 * (1 + Tolerance));
    }

    [Fact]
    public void ValueAtQuantile_OfAnEmptyHistogram_IsZero()
    {
        Assert.Equal(0, new LatencyHistogram().ValueAtQuantile(0.95));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(0.005)]
    [InlineData(-3)]
    [InlineData(double.NaN)]
    public void Record_OfZeroOrUnmeasurableLatency_CountsAsZero(double latencyMs)
    {
        var histogram = new LatencyHistogram();

        histogram.Record(latencyMs);

        Assert.Equal(0, LatencyHistogram.BucketOf(latencyMs));
        Assert.Equal(1, histogram.Count);
        Assert.Equal(0, histogram.ValueAtQuantile(1));
    }

    [Theory]
    [InlineData(LatencyHistogram.MaxTrackableMs * 10)]
    [InlineData(double.PositiveInfinity)]
    public void Record_AboveTheTrackableRange_CountsInTheTopBucket(double latencyMs)
    {
        Assert.Equal(LatencyHistogram.MaxBucket, LatencyHistogram.BucketOf(latencyMs));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void ValueAtQuantile_OutsideZeroToOne_Throws(double q)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyHistogram().ValueAtQuantile(q));
    }

    [Fact]
    public void Add_RejectsUnknownBucketsAndNegativeCounts()
    {
        var histogram = new LatencyHistogram();

        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(LatencyHistogram.MaxBucket + 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Add(5, -1));
        Assert.Equal(0, histogram.Count);
    }

    private static void AssertQuantilesWithinBound(double[] samples)
    {
        var histogram = new LatencyHistogram();
        foreach (var sample in samples)
        {
            histogram.Record(sample);
        }
        var sorted = samples.Order().ToArray();

        foreach (var q in Quantiles)
        {
            var exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
            var estimate = histogram.ValueAtQuantile(q);
            Assert.True(Math.Abs(estimate - exact) <= Tolerance * exact,
                $"q={q}: estimate {estimate} vs exact {exact} (relative error {Math.Abs(estimate - exact) / exact:P2})");
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

using HdrHistogram;

namespace AiAspire.PlatformBench;

/// <summary>What one measured point yielded: the latency histogram (µs), successful requests per second, failures.</summary>
internal sealed record PointResult(LongHistogram Latency, double RequestsPerSecond, long Failures, string? FirstError)
{
    public double P50Ms => Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(50) / 1000.0;

    public double P99Ms => Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(99) / 1000.0;
}

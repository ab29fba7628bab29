using HdrHistogram;

namespace AiAspire.PlatformBench;

/// <summary>What one measured point yielded: the latency histogram (µs), successful requests per second, failures.</summary>
internal sealed record PointResult(LongHistogram Latency, double RequestsPerSecond, long Failures, string? FirstError)
{
    /// <summary>CPU per process group over the measured phase, where it was metered.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Cpu { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>Redis commands run over the measured phase (AiAspire's points), by command.</summary>
    public IReadOnlyDictionary<string, RedisCommandMeter.Usage> RedisCommands { get; init; } = new Dictionary<string, RedisCommandMeter.Usage>();

    public double P50Ms => Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(50) / 1000.0;

    public double P99Ms => Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(99) / 1000.0;
}

using System.Globalization;
using AiAspire.Contracts.Quality;
using AiAspire.FeedbackWorker.Projections;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Quality;

/// <summary>Figures read back from figure hashes; tallies add up, so totals are the sum of their parts.</summary>
internal sealed class FigureTally
{
    private readonly LatencyHistogram _latency = new();

    public long Requests { get; private set; }
    public long Errors { get; private set; }
    public long TokensIn { get; private set; }
    public long TokensOut { get; private set; }
    public long CostNanoUsd { get; private set; }

    public static FigureTally From(HashEntry[] hash)
    {
        var tally = new FigureTally();
        foreach (var entry in hash)
        {
            var field = entry.Name.ToString();
            if (!entry.Value.TryParse(out long value))
            {
                continue;
            }
            switch (field)
            {
                case QualityFields.Requests: tally.Requests = value; break;
                case QualityFields.Errors: tally.Errors = value; break;
                case QualityFields.TokensIn: tally.TokensIn = value; break;
                case QualityFields.TokensOut: tally.TokensOut = value; break;
                case QualityFields.CostNanoUsd: tally.CostNanoUsd = value; break;
                default:
                    if (field.StartsWith(QualityFields.LatencyBucketPrefix, StringComparison.Ordinal)
                        && int.TryParse(field.AsSpan(QualityFields.LatencyBucketPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var bucket)
                        && bucket <= LatencyHistogram.MaxBucket
                        && value > 0)
                    {
                        tally._latency.Add(bucket, value);
                    }
                    break;
            }
        }
        return tally;
    }

    public void Add(FigureTally other)
    {
        Requests += other.Requests;
        Errors += other.Errors;
        TokensIn += other.TokensIn;
        TokensOut += other.TokensOut;
        CostNanoUsd += other.CostNanoUsd;
        _latency.Merge(other._latency);
    }

    public QualityFigures ToFigures() => new(
        Requests,
        Errors,
        Math.Round(_latency.ValueAtQuantile(0.50), 3),
        Math.Round(_latency.ValueAtQuantile(0.95), 3),
        TokensIn,
        TokensOut,
        CostNanoUsd / QualityFields.NanoUsdPerUsd);
}

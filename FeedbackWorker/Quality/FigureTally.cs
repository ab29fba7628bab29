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
    public long CacheHits { get; private set; }
    public long GuardBlocks { get; private set; }
    public long FeedbackUp { get; private set; }
    public long FeedbackDown { get; private set; }

    public decimal CostUsd => CostNanoUsd / QualityFields.NanoUsdPerUsd;

    public double LatencyMs(double quantile) => Math.Round(_latency.ValueAtQuantile(quantile), 3);

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
                case QualityFields.CacheHits: tally.CacheHits = value; break;
                case QualityFields.GuardBlocks: tally.GuardBlocks = value; break;
                case QualityFields.FeedbackUp: tally.FeedbackUp = value; break;
                case QualityFields.FeedbackDown: tally.FeedbackDown = value; break;
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
        CacheHits += other.CacheHits;
        GuardBlocks += other.GuardBlocks;
        FeedbackUp += other.FeedbackUp;
        FeedbackDown += other.FeedbackDown;
        _latency.Merge(other._latency);
    }

    public QualityFigures ToFigures() => new(Requests, Errors, LatencyMs(0.50), LatencyMs(0.95), TokensIn, TokensOut, CostUsd, LatencyMs(0.99));

    public ModelComparison ToComparison(string model) => new(
        model,
        Requests,
        Errors,
        Requests == 0 ? 0 : Math.Round((double)Errors / Requests, 4),
        LatencyMs(0.50),
        LatencyMs(0.95),
        LatencyMs(0.99),
        CostUsd,
        Requests == 0 ? 0 : Math.Round(CostUsd / Requests, 9),
        FeedbackUp,
        FeedbackDown,
        FeedbackUp + FeedbackDown == 0 ? null : Math.Round((double)FeedbackUp / (FeedbackUp + FeedbackDown), 4));

    public QualityPoint ToPoint(DateTimeOffset start) => new(
        start,
        Requests,
        Errors,
        LatencyMs(0.50),
        LatencyMs(0.95),
        LatencyMs(0.99),
        TokensIn,
        TokensOut,
        CostUsd,
        CacheHits,
        GuardBlocks,
        FeedbackUp,
        FeedbackDown);
}

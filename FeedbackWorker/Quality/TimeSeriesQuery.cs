using System.Globalization;
using System.Text.RegularExpressions;

namespace AiAspire.FeedbackWorker.Quality;

/// <summary>A validated time-series request: UTC range aligned to whole buckets, optional model and route filters.</summary>
public sealed partial record TimeSeriesQuery(DateTimeOffset From, DateTimeOffset To, int BucketMinutes, string? Model, string? Route)
{
    public const int MaxPoints = 1_440;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(31);
    public static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);

    public int Points => (int)((To - From).TotalMinutes / BucketMinutes);

    /// <summary>Parses the query string; <paramref name="error"/> says what is wrong, for a 400.</summary>
    /// <param name="now">Used when <paramref name="to"/> is absent.</param>
    public static TimeSeriesQuery? TryParse(
        string? from, string? to, string? bucket, string? model, string? route, DateTimeOffset now, out string? error)
    {
        error = null;
        var bucketMinutes = 1;
        if (!string.IsNullOrEmpty(bucket) && (bucketMinutes = ParseBucket(bucket)) == 0)
        {
            error = "bucket must be a whole number of minutes, hours or days from 1m to 1d, e.g. 1m, 5m, 1h, 1d.";
            return null;
        }
        if (!TryParseTime(to, now, out var end) || !TryParseTime(from, end - DefaultRange, out var start))
        {
            error = "from and to must be ISO 8601 date-times with an offset, e.g. 2026-11-28T10:00:00Z.";
            return null;
        }
        if (start >= end)
        {
            error = "from must be before to.";
            return null;
        }
        if (end - start > MaxRange)
        {
            error = $"The range may span at most {MaxRange.TotalDays} days.";
            return null;
        }
        if (model?.Length > 256 || route?.Length > 256)
        {
            error = "model and route are at most 256 characters.";
            return null;
        }

        var query = new TimeSeriesQuery(Align(start, bucketMinutes, up: false), Align(end, bucketMinutes, up: true), bucketMinutes,
            string.IsNullOrEmpty(model) ? null : model, string.IsNullOrEmpty(route) ? null : route);
        if (query.Points > MaxPoints)
        {
            error = $"That is {query.Points} points; at most {MaxPoints}: use a larger bucket or a shorter range.";
            return null;
        }
        return query;
    }

    private static int ParseBucket(string bucket)
    {
        var match = BucketPattern().Match(bucket);
        if (!match.Success)
        {
            return 0;
        }
        var minutes = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) * match.Groups[2].Value switch
        {
            "m" => 1,
            "h" => 60,
            _ => 1_440,
        };
        return minutes is >= 1 and <= 1_440 ? minutes : 0;
    }

    private static bool TryParseTime(string? value, DateTimeOffset fallback, out DateTimeOffset time)
    {
        if (string.IsNullOrEmpty(value))
        {
            time = fallback;
            return true;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    private static DateTimeOffset Align(DateTimeOffset time, int bucketMinutes, bool up)
    {
        var minutes = time.ToUnixTimeSeconds() / 60;
        if (up && time.ToUnixTimeMilliseconds() % 60_000 != 0)
        {
            minutes++;
        }
        var remainder = minutes % bucketMinutes;
        if (remainder != 0)
        {
            minutes += up ? bucketMinutes - remainder : -remainder;
        }
        return DateTimeOffset.FromUnixTimeSeconds(minutes * 60);
    }

    [GeneratedRegex("^([0-9]{1,4})([mhd])$")]
    private static partial Regex BucketPattern();
}

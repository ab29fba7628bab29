namespace AiAspire.Contracts.Quality;

/// <summary>How feedback becomes a quality score the router can rank by, shared by the worker that writes it and the router that reads it.</summary>
public static class RouterQualityScores
{
    /// <summary>The Redis string key holding the JSON <see cref="RouterQualitySnapshot"/>.</summary>
    public const string RedisKey = "aiaspire:router:quality-scores";

    /// <summary>z for a 95 % confidence interval.</summary>
    public const double DefaultZ = 1.96;

    /// <summary>
    /// The lower bound of the Wilson score interval of the positive share: a model with 9 up of 10 (0.60) ranks below one
    /// with 90 up of 100 (0.83), since few ratings prove less. 0 when there are none.
    /// </summary>
    public static double WilsonLowerBound(long up, long down, double z = DefaultZ)
    {
        var n = (double)(up + down);
        if (n <= 0 || up < 0 || down < 0)
        {
            return 0;
        }
        var p = up / n;
        var z2 = z * z;
        var centre = p + z2 / (2 * n);
        var margin = z * Math.Sqrt((p * (1 - p) + z2 / (4 * n)) / n);
        return Math.Max(0, (centre - margin) / (1 + z2 / n));
    }
}

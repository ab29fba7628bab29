using System.Globalization;
using StackExchange.Redis;

namespace AiAspire.PlatformBench;

/// <summary>
/// Commands redis-server ran while a point was measured, and the microseconds it spent in each (INFO commandstats):
/// per request, what each request costs the one Redis every service shares.
/// </summary>
internal sealed class RedisCommandMeter(IConnectionMultiplexer redis) : IAsyncDisposable
{
    private Dictionary<string, Usage> _start = [];

    public readonly record struct Usage(long Calls, long Microseconds);

    public static async Task<RedisCommandMeter> ConnectAsync(string connectionString) =>
        new(await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true"));

    /// <summary>Marks the start of the measured interval (synchronously: it runs in the load generator's start callback).</summary>
    public void Start() => _start = Parse(redis.GetServers()[0].Info("commandstats"));

    /// <summary>Calls and time per command since <see cref="Start"/> (the meter's own INFO calls included: one each side).</summary>
    public async Task<IReadOnlyDictionary<string, Usage>> StopAsync()
    {
        var end = await ReadAsync();
        return end.ToDictionary(
            e => e.Key,
            e => _start.TryGetValue(e.Key, out var s) ? new Usage(e.Value.Calls - s.Calls, e.Value.Microseconds - s.Microseconds) : e.Value)
            .Where(e => e.Value.Calls > 0)
            .ToDictionary(e => e.Key, e => e.Value);
    }

    public async ValueTask DisposeAsync() => await redis.DisposeAsync();

    private async Task<Dictionary<string, Usage>> ReadAsync() => Parse(await redis.GetServers()[0].InfoAsync("commandstats"));

    private static Dictionary<string, Usage> Parse(IGrouping<string, KeyValuePair<string, string>>[] info)
    {
        var usage = new Dictionary<string, Usage>(StringComparer.Ordinal);
        foreach (var section in info)
        {
            foreach (var (key, value) in section)
            {
                // cmdstat_xadd: calls=12,usec=340,usec_per_call=28.33,rejected_calls=0,failed_calls=0
                var fields = value.Split(',').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
                if (key.StartsWith("cmdstat_", StringComparison.Ordinal)
                    && long.TryParse(fields.GetValueOrDefault("calls"), CultureInfo.InvariantCulture, out var calls)
                    && long.TryParse(fields.GetValueOrDefault("usec"), CultureInfo.InvariantCulture, out var usec))
                {
                    usage[key["cmdstat_".Length..]] = new Usage(calls, usec);
                }
            }
        }
        return usage;
    }
}

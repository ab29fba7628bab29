using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>How every Redis connection of a service is made, whatever registered it (Aspire's client reads these options).</summary>
public static class RedisDefaults
{
    /// <summary>
    /// Replies are read on the .NET thread pool (<see cref="SocketManager.ThreadPool"/>) instead of on
    /// StackExchange.Redis's own reader threads, so the code awaiting a reply goes on without a hand-off from one set of
    /// threads to the other — at low load, a sleeping thread woken per command. Those dedicated threads protect callers
    /// that block on Redis (sync over async), which no service here does. Measured with bench/GatewayBench and every limit
    /// in Redis (one awaited script per request), five paired runs: p50 overhead at 1 concurrent request 0.69–0.83 →
    /// 0.46–0.66 ms and gateway CPU per request −13 to −21 % (three of the pairs). A connection that chose its own socket manager keeps it.
    /// </summary>
    public static void Apply(ConfigurationOptions options) => options.SocketManager ??= SocketManager.ThreadPool;
}

using System.Globalization;
using AiAspire.RouterService.Routing;

namespace AiAspire.RouterService.Strategies;

/// <summary>
/// Fastest first by moving average: time to first token for streamed requests (when a stream was observed), total
/// latency otherwise. A deployment never observed goes first, once, so that it gets measured.
/// </summary>
public sealed class LatencyStrategy(DeploymentObservations observations) : IRoutingStrategy
{
    public string Name => "latency";

    public IReadOnlyList<RankedDeployment> Rank(RoutingContext context) =>
    [
        .. context.Candidates
            .Select(d =>
            {
                if (observations.Latency(d.Name) is not { } latency)
                {
                    return new RankedDeployment(d, 0, "not observed yet: tried first so it gets measured");
                }
                var (ms, what) = context.Profile.Streaming && latency.FirstTokenMs is { } ttft
                    ? (ttft, "time to first token")
                    : (latency.TotalMs, "total latency");
                var shared = latency.OtherReplicas switch
                {
                    0 => "",
                    1 => " (with 1 other replica's)",
                    var n => string.Create(CultureInfo.InvariantCulture, $" (with {n} other replicas')"),
                };
                return new RankedDeployment(d, Math.Round(ms, 3),
                    string.Create(CultureInfo.InvariantCulture, $"average {what} {ms:0.#} ms over {latency.Samples} calls{shared}"));
            })
            .OrderBy(r => r.Score),
    ];
}

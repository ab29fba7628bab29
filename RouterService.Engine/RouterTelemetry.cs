using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiAspire.RouterService;

public static class RouterTelemetry
{
    public const string Name = "AiAspire.RouterService";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>("aiaspire.router.attempts", "{attempt}", "Calls to deployments, by outcome");
    public static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("aiaspire.router.fallbacks", "{request}", "Requests served by a deployment other than the first choice");
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiAspire.Orchestrator;

public static class OrchestratorTelemetry
{
    public const string Name = "AiAspire.Orchestrator";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "aiaspire.orchestrator.request.duration", "ms", "Chat request duration through the pipeline");

    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "gen_ai.client.token.usage", "{token}", "Tokens used, by type (input/output)");
}

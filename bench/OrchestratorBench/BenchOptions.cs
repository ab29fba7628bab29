using System.Globalization;

namespace AiAspire.OrchestratorBench;

/// <param name="Duration">Measured time per point (after <paramref name="Warmup"/>).</param>
/// <param name="UpstreamMs">How long the fake model takes to answer; subtracted with the rest of the upstream time.</param>
/// <param name="Settings">Configuration or environment for the orchestrator processes (<c>--set Key=Value</c>, repeatable),
/// e.g. <c>--set DOTNET_gcServer=0</c> to compare runtime settings.</param>
internal sealed record BenchOptions(TimeSpan Duration, TimeSpan Warmup, int[] Concurrency, int UpstreamMs, string? Orchestrator,
    IReadOnlyList<(string Key, string Value)> Settings)
{
    /// <summary>Run only these row groups (<c>--only norag,stream</c>: full, norag, stream, exact, checked, semantic); null: all.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary>Which router the orchestrator calls (<c>--router fake|service|colocated</c>, <see cref="RouterUnderTest"/>).</summary>
    public string Router { get; init; } = ServiceUnderTest.Fake;

    /// <summary>Which guardrails the orchestrator calls (<c>--guard fake|service|colocated</c>, <see cref="GuardUnderTest"/>).</summary>
    public string Guard { get; init; } = ServiceUnderTest.Fake;

    /// <summary>True when the row group <paramref name="row"/> is to run.</summary>
    public bool Runs(string row) => Only is null || Only.Contains(row);

    public static BenchOptions Parse(string[] args)
    {
        var duration = TimeSpan.FromSeconds(2);
        var warmup = TimeSpan.FromSeconds(1);
        int[] concurrency = [1, 16, 64];
        var upstreamMs = 0;
        string? orchestrator = null;
        var settings = new List<(string, string)>();
        HashSet<string>? only = null;
        var router = ServiceUnderTest.Fake;
        var guard = ServiceUnderTest.Fake;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--duration":
                    duration = TimeSpan.FromSeconds(Math.Clamp(double.Parse(args[i + 1], CultureInfo.InvariantCulture), 0.5, 600));
                    break;
                case "--warmup":
                    warmup = TimeSpan.FromSeconds(Math.Clamp(double.Parse(args[i + 1], CultureInfo.InvariantCulture), 0, 60));
                    break;
                case "--concurrency":
                    concurrency = [.. args[i + 1].Split(',').Select(c => Math.Clamp(int.Parse(c, CultureInfo.InvariantCulture), 1, 512))];
                    break;
                case "--upstream-ms":
                    upstreamMs = Math.Clamp(int.Parse(args[i + 1], CultureInfo.InvariantCulture), 0, 10_000);
                    break;
                case "--orchestrator":
                    orchestrator = Path.GetFullPath(args[i + 1]);
                    break;
                case "--set" when args[i + 1].IndexOf('=', StringComparison.Ordinal) is > 0 and var at:
                    settings.Add((args[i + 1][..at], args[i + 1][(at + 1)..]));
                    break;
                case "--router":
                    router = args[i + 1];
                    break;
                case "--guard":
                    guard = args[i + 1];
                    break;
                case "--only":
                    only = [.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Options: --duration s, --warmup s, --concurrency 1,16,64, --upstream-ms n, --orchestrator path/Orchestrator.dll, --set Key=Value, --only full,norag,stream,exact,checked,semantic, --router fake|service|colocated, --guard fake|service|colocated");
            }
        }
        return new BenchOptions(duration, warmup, concurrency, upstreamMs, orchestrator, settings) { Only = only, Router = router, Guard = guard };
    }
}

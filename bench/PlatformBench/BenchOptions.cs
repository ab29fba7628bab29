using System.Globalization;

namespace AiAspire.PlatformBench;

/// <summary>Command-line options; see <see cref="Usage"/>.</summary>
internal sealed record BenchOptions(
    TimeSpan Duration,
    TimeSpan WarmUp,
    int[] Concurrency,
    int[] DelaysMs,
    IReadOnlySet<string> Scenarios,
    bool Soak,
    TimeSpan SoakDuration,
    int SoakRate,
    IReadOnlyDictionary<string, string> ServiceEnvironment,
    bool Unproxied,
    IReadOnlyList<Topology> Topologies)
{
    public static readonly string[] AllScenarios = ["direct", "portkey", "aiaspire", "rag", "cache", "stream"];

    public const string Usage = """
        bench/platform-bench.sh [options]
          --duration S        measured seconds per point, after the warm-up (default 15)
          --warmup S          warm-up seconds per point, not recorded (default 5)
          --concurrency LIST  closed-loop connections, e.g. 1,16,64 (default)
          --delays LIST       fake upstream delays in ms, e.g. 0,50 (default)
          --scenarios LIST    any of direct,portkey,aiaspire,rag,cache,stream (default: all)
          --topology T        AiAspire's layout: services (the orchestrator calls guardrails and router over HTTP),
                              colocated (it runs their engines in its own process; rows labelled "… colocated"),
                              or both (default; --soak: services): AiAspire is started once per layout, one after
                              the other, and its scenarios run against each; direct and Portkey run once
          --soak              instead of the table: AiAspire's full pipeline at a fixed rate, memory sampled
                              (one layout: services unless --topology colocated)
          --soak-minutes M    soak length (default 10)
          --soak-rate R       requests per second during the soak (default 200)
          --service-env N=V   an environment variable for every AiAspire service (repeatable), to compare settings;
                      R:N=V sets it on resource R alone (e.g. gateway:DOTNET_gcServer=1)
          --unproxied         services reached directly, not through Aspire's DCP proxies (one hop less per call)
        Smoke run: --duration 2 --warmup 1 --concurrency 1,16
        """;

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(string[] args)
    {
        var duration = 15.0;
        var warmUp = 5.0;
        int[] concurrency = [1, 16, 64];
        int[] delays = [0, 50];
        var scenarios = new HashSet<string>(AllScenarios, StringComparer.Ordinal);
        var soak = false;
        var unproxied = false;
        var soakMinutes = 10.0;
        var soakRate = 200;
        IReadOnlyList<Topology>? topologies = null;
        var serviceEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--duration":
                    duration = Seconds(Value(), 0.5, 3600);
                    break;
                case "--warmup":
                    warmUp = Seconds(Value(), 0, 600);
                    break;
                case "--concurrency":
                    concurrency = Integers(Value(), 1, 1024);
                    break;
                case "--delays":
                    delays = Integers(Value(), 0, 10_000);
                    break;
                case "--scenarios":
                    var chosen = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (chosen.FirstOrDefault(s => !AllScenarios.Contains(s)) is { } unknown)
                    {
                        throw new ArgumentException($"Unknown scenario {unknown}; known: {string.Join(',', AllScenarios)}.");
                    }
                    scenarios = new HashSet<string>(chosen, StringComparer.Ordinal);
                    break;
                case "--topology":
                    var layout = Value();
                    topologies = layout == "both" ? Topology.All
                        : Topology.All.FirstOrDefault(t => t.Name == layout) is { } one ? [one]
                        : throw new ArgumentException($"--topology takes services, colocated or both, not {layout}.");
                    break;
                case "--soak":
                    soak = true;
                    break;
                case "--unproxied":
                    unproxied = true;
                    break;
                case "--soak-minutes":
                    soakMinutes = Seconds(Value(), 0.1, 24 * 60);
                    break;
                case "--soak-rate":
                    soakRate = Integers(Value(), 1, 100_000)[0];
                    break;
                case "--service-env":
                    var variable = Value();
                    var (name, setting) = variable.Split('=', 2) is [{ Length: > 0 } n, var v] ? (n, v) : throw new ArgumentException($"--service-env takes NAME=VALUE, not {variable}.");
                    serviceEnvironment[name] = setting;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        if (delays.Length == 0 || concurrency.Length == 0)
        {
            throw new ArgumentException("--delays and --concurrency need at least one value.");
        }
        if (soak && topologies?.Count > 1)
        {
            throw new ArgumentException("--soak runs one layout: --topology services or --topology colocated.");
        }
        return new BenchOptions(TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmUp), concurrency, [.. delays.Distinct()],
            scenarios, soak, TimeSpan.FromMinutes(soakMinutes), soakRate, serviceEnvironment, unproxied,
            topologies ?? (soak ? [Topology.Services] : Topology.All));
    }

    private static double Seconds(string value, double min, double max)
    {
        var seconds = double.Parse(value, CultureInfo.InvariantCulture);
        return seconds >= min && seconds <= max ? seconds : throw new ArgumentException($"{value} is outside {min}–{max}.");
    }

    private static int[] Integers(string value, int min, int max) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v =>
        {
            var n = int.Parse(v, CultureInfo.InvariantCulture);
            return n >= min && n <= max ? n : throw new ArgumentException($"{v} is outside {min}–{max}.");
        })];
}

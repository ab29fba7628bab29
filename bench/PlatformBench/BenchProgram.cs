// The whole platform against its peer: latency p50/p99, requests/s and overhead over a direct call to a fake
// OpenAI-compatible upstream, for the Portkey AI gateway and for AiAspire with its full pipeline — and the memory each
// service process holds under that load.
//
//   bench/platform-bench.sh                                   the full run (15 s per point after a 5 s warm-up)
//   bench/platform-bench.sh --duration 2 --warmup 1 --concurrency 1,16      a smoke run
//   bench/platform-bench.sh --soak                            10 minutes at 200 requests/s, memory sampled
//
// Everything listens on 127.0.0.1: the fake upstreams (one per delay) in this process, Portkey as a Node.js child
// process, and AiAspire as AppHost starts it in the local profile (via Aspire.Hosting.Testing, like Integration.Tests).
// AiAspire is measured in each layout --topology names (default both: as separate services, then co-located), each
// started on its own after the previous one has stopped; the direct and Portkey rows are measured once, in the first.
using System.Globalization;
using AiAspire.Bench;
using AiAspire.PlatformBench;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var upstreams = new List<FakeUpstream>();
PortkeyGateway? portkey = null;
AiAspirePlatform? platform = null;
try
{
    foreach (var delay in options.DelaysMs)
    {
        upstreams.Add(await FakeUpstream.StartAsync(TimeSpan.FromMilliseconds(delay)));
    }

    var needsPlatform = options.Soak || options.Runs("aiaspire") || options.Runs("rag") || options.Runs("cache") || options.Runs("stream");
    if (!options.Soak && (options.Runs("portkey") || options.Runs("stream")))
    {
        // Started once and left running through every layout's run, so that each runs beside the same idle peer.
        Console.Error.WriteLine("Starting the Portkey gateway…");
        portkey = await PortkeyGateway.StartAsync(cancel.Token);
    }

    // One run per AiAspire layout (or one run without AiAspire); the rows without AiAspire go in the first.
    IReadOnlyList<Topology?> runs = needsPlatform ? [.. options.Topologies] : [null];
    var scenarios = options.Soak ? [] : Plan(options, upstreams, options.Topologies, portkey);
    var points = new Dictionary<(Scenario Scenario, int Concurrency), PointResult>();
    var memorySamples = new List<MemorySampler.Sample>();
    var cpuGroups = new HashSet<string>(StringComparer.Ordinal);
    var stageBreakdowns = new List<(Topology Topology, string Table)>();
    var notes = new List<string>();
    string? machine = null;
    DateTimeOffset? started = null;

    for (var run = 0; run < runs.Count; run++)
    {
        var topology = runs[run];
        if (topology is not null)
        {
            Console.Error.WriteLine($"Starting AiAspire (AppHost, local profile, {topology.Name})…");
            platform = await AiAspirePlatform.StartAsync(upstreams, topology, options.ServiceEnvironment, options.Unproxied, cancel.Token);
            await platform.VerifyAsync(upstreams[0], cancel.Token);
        }

        // Program → process id; memory rows of a co-located run carry its suffix, CPU columns stay one per program.
        var processes = platform is null ? [] : await platform.ProcessIdsAsync(cancel.Token);
        var sampled = processes.ToDictionary(p => topology!.Label(p.Key), p => p.Value);
        if (portkey is not null)
        {
            processes["portkey (node)"] = sampled["portkey (node)"] = portkey.ProcessId;
        }
        processes["bench (load + fake upstreams)"] = sampled["bench (load + fake upstreams)"] = Environment.ProcessId;
        if (topology == Topology.Colocated && processes.TryGetValue("Orchestrator", out var orchestratorPid)
            && AiAspirePlatform.MissingColocation(orchestratorPid) is { Count: > 0 } missing)
        {
            var note = $"The orchestrator ran without {string.Join(" and ", missing.Select(v => v + "=true"))} (AppHost ignored the switch): " +
                "in the \"colocated\" rows, what it left out is still called over HTTP, as in the services layout.";
            Console.Error.WriteLine("Warning: " + note);
            notes.Add(note);
        }

        var groups = processes.ToDictionary(p => p.Key, p => new[] { p.Value });
        if (processes.TryGetValue("Gateway", out var gatewayPid) && ProcessMemory.TreeAbove(gatewayPid, "dcp") is { Count: > 0 } dcp)
        {
            // Aspire's orchestrator, and in the local profile the proxies in front of every service endpoint.
            groups["dcp"] = [.. dcp];
        }
        cpuGroups.UnionWith(groups.Keys);
        var cpu = new CpuMeter(groups);
        await using var redisCommands = platform is null ? null : await RedisCommandMeter.ConnectAsync(await platform.RedisConnectionStringAsync(cancel.Token));
        await using var stages = platform is null ? null : await StageBreakdown.ConnectAsync(await platform.RedisConnectionStringAsync(cancel.Token), platform.Topology);

        if (options.Soak)
        {
            var soak = new SoakRun(platform!.Route(platform.Topology.Label("aiaspire"), platform.Key, upstreams[0], stream: false),
                options.SoakRate, options.SoakDuration, sampled, cpu);
            var report = await soak.RunAsync(cancel.Token);
            notes.ForEach(Console.WriteLine);
            Console.WriteLine(report);
            return 0;
        }

        if (platform is not null)
        {
            // Once per start, so that the first point measured does not pay for a cold platform (JIT tiers, pools,
            // caches): profiled at 80 requests/s, a third of the gateway's CPU was still the JIT's a minute after start,
            // so each kind of request gets at least 10 s (more with a longer --warmup).
            Console.Error.WriteLine("Warming AiAspire up…");
            foreach (var target in (Target[])[
                platform.Route("warm-up", platform.Key, upstreams[0], stream: false),
                platform.Route("warm-up", platform.RagKey, upstreams[0], stream: false),
                platform.Route("warm-up", platform.Key, upstreams[0], stream: true)])
            {
                await LoadGenerator.RunAsync(target, Math.Min(options.Concurrency.Max(), 8), TimeSpan.FromSeconds(Math.Max(10, 2 * options.WarmUp.TotalSeconds)), TimeSpan.Zero, cancel.Token);
            }
        }

        if (stages is not null)
        {
            await stages.SkipAsync(cancel.Token);
        }
        await using (var memory = new MemorySampler(sampled, TimeSpan.FromSeconds(1)))
        {
            started ??= DateTimeOffset.UtcNow;
            machine ??= Report.Machine();
            foreach (var scenario in scenarios.Where(s => s.Topology == topology || (s.Topology is null && run == 0)))
            {
                var target = scenario.Target(platform);
                foreach (var concurrency in options.Concurrency)
                {
                    memory.Phase = $"{scenario.Name}|{concurrency}";
                    var metersRedis = redisCommands is not null && scenario.Topology is not null;
                    var result = await LoadGenerator.RunAsync(target, concurrency, options.WarmUp, options.Duration, cancel.Token, () =>
                    {
                        cpu.Start();
                        if (metersRedis)
                        {
                            redisCommands!.Start();
                        }
                    });
                    result = result with
                    {
                        Cpu = cpu.Stop(),
                        RedisCommands = metersRedis ? await redisCommands!.StopAsync() : new Dictionary<string, RedisCommandMeter.Usage>(),
                    };
                    memory.Phase = "between";
                    points[(scenario, concurrency)] = result;
                    if (stages is not null && scenario.Topology is not null)
                    {
                        await stages.CollectAsync(cancel.Token);
                    }
                    Console.Error.WriteLine(FormattableString.Invariant(
                        $"  {scenario.Name,-28} {scenario.BaselineDelayMs,4} ms  c={concurrency,-3}  p50 {result.P50Ms,8:F2} ms  p99 {result.P99Ms,8:F2} ms  {result.RequestsPerSecond,8:F0} req/s  errors {result.Failures}"));
                }
            }
            memorySamples.AddRange(memory.Samples);
        }

        if (platform is not null)
        {
            stageBreakdowns.Add((platform.Topology, stages!.Table()));
            if (run + 1 < runs.Count)
            {
                Console.Error.WriteLine($"Stopping AiAspire ({platform.Topology.Name})…");
            }
            await platform.DisposeAsync();
            platform = null;
        }
    }

    // In table order: by upstream delay, each AiAspire layout's rows under the same scenario's, concurrency innermost.
    var table = scenarios
        .SelectMany(s => options.Concurrency.Where(c => points.ContainsKey((s, c)))
            .Select(c => (Key: new PointKey(s.Name, s.DelayMs, c, s.Baseline, s.BaselineDelayMs), Result: points[(s, c)])))
        .ToList();
    var highest = options.Concurrency.Max().ToString(CultureInfo.InvariantCulture);
    Console.WriteLine();
    Console.WriteLine($"Machine: {machine} at start; {Report.LoadAverage()} at the end.");
    Console.WriteLine(FormattableString.Invariant(
        $"Run: {started:yyyy-MM-dd HH:mm} UTC, {options.WarmUp.TotalSeconds:F0} s warm-up + {options.Duration.TotalSeconds:F0} s measured per point, closed loop; Portkey {portkey?.Version ?? "not run"}; latency from HdrHistogram (time to first content token for ttft rows)."));
    if (needsPlatform)
    {
        Console.WriteLine("AiAspire layouts, each started on its own, one after the other: " + string.Join("; ", options.Topologies.Select(t => t == Topology.Services
            ? "services (rows without a suffix: the orchestrator calls guardrails and router over HTTP)"
            : "colocated (rows \"… colocated\": guard and router engines in the orchestrator's process; their services still run, off the path)"))
            + (options.Unproxied ? "; services reached without DCP's proxies." : "."));
    }
    notes.ForEach(Console.WriteLine);
    Console.WriteLine();
    Console.WriteLine(Report.Table(table));
    Console.WriteLine($"Resident memory per process (under load: its own scenarios at concurrency {highest}; Portkey's for node, AiAspire's for the rest):");
    Console.WriteLine();
    Console.WriteLine(Report.Memory(memorySamples, (process, phase) =>
        phase.EndsWith("|" + highest, StringComparison.Ordinal)
        && (process.StartsWith("portkey", StringComparison.Ordinal) ? phase.Contains("portkey", StringComparison.Ordinal)
            : process.StartsWith("bench", StringComparison.Ordinal) || phase.Contains("aiaspire", StringComparison.Ordinal))));
    Console.WriteLine("CPU time per request, ms, by process (measured phase; user + system from /proc; all processes share the cores):");
    Console.WriteLine();
    Console.WriteLine(Report.Cpu(table, cpuGroups));
    if (stageBreakdowns.Count > 0)
    {
        Console.WriteLine("Redis commands per request (measured phase; INFO commandstats, all clients):");
        Console.WriteLine();
        Console.WriteLine(Report.Redis(table));
        foreach (var (layout, stageTable) in stageBreakdowns)
        {
            Console.WriteLine($"Where AiAspire's orchestrator spends its time, {layout.Name} (median ms per pipeline stage over all concurrencies, from its InferenceCompleted events):");
            Console.WriteLine();
            Console.WriteLine(stageTable);
        }
    }
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
catch (Exception ex)
{
    // Caught (not left unhandled) so that the finally below stops what was started.
    Console.Error.WriteLine(ex);
    return 1;
}
finally
{
    if (platform is not null)
    {
        await platform.DisposeAsync();
    }
    if (portkey is not null)
    {
        await portkey.DisposeAsync();
    }
    foreach (var upstream in upstreams)
    {
        await upstream.DisposeAsync();
    }
}

// Every row group of the table, in table order: per upstream delay, direct, Portkey, then each AiAspire scenario in
// every layout (a layout's rows right under the same scenario's in the other), then the streaming rows likewise.
static List<Scenario> Plan(BenchOptions options, IReadOnlyList<FakeUpstream> upstreams, IReadOnlyList<Topology> topologies, PortkeyGateway? portkey)
{
    var plan = new List<Scenario>();
    var cacheMeasured = false;
    foreach (var upstream in upstreams)
    {
        var delay = (int)upstream.Delay.TotalMilliseconds;
        void Peer(string name, string baseline, Target target) => plan.Add(new Scenario(name, baseline, delay, delay, null, _ => target));
        void AiAspire(string name, string baseline, Func<AiAspirePlatform, string, Target> target, int? at)
        {
            foreach (var topology in topologies)
            {
                var label = topology.Label(name);
                plan.Add(new Scenario(label, baseline, at, delay, topology, platform => target(platform!, label)));
            }
        }

        if (options.Runs("direct") || options.Runs("portkey") || options.Runs("aiaspire") || options.Runs("rag"))
        {
            Peer("direct", "direct", new Target("direct", upstream.Address, Target.ChatPath, [new("Authorization", "Bearer sk-bench-upstream")],
                Target.ChatBody("bench-model", false, 0.7), Stream: false));
        }
        if (options.Runs("portkey"))
        {
            Peer("portkey", "direct", portkey!.Route("portkey", upstream, stream: false));
        }
        if (options.Runs("aiaspire"))
        {
            AiAspire("aiaspire", "direct", (p, label) => p.Route(label, p.Key, upstream, stream: false), delay);
        }
        if (options.Runs("rag"))
        {
            AiAspire("aiaspire + rag", "direct", (p, label) => p.Route(label, p.RagKey, upstream, stream: false), delay);
        }
        if (options.Runs("cache") && !cacheMeasured)
        {
            // Hits never reach the upstream; compared with the direct call at the first delay.
            AiAspire("aiaspire cache hit", "direct", (p, label) => p.Route(label, p.Key, upstream, stream: false, temperature: 0), null);
            cacheMeasured = true;
        }
        if (options.Runs("stream"))
        {
            Peer("ttft direct", "ttft direct", new Target("ttft direct", upstream.Address, Target.ChatPath, [new("Authorization", "Bearer sk-bench-upstream")],
                Target.ChatBody("bench-model", true, 0.7), Stream: true));
            Peer("ttft portkey", "ttft direct", portkey!.Route("ttft portkey", upstream, stream: true));
            AiAspire("ttft aiaspire", "ttft direct", (p, label) => p.Route(label, p.Key, upstream, stream: true), delay);
        }
    }
    return plan;
}

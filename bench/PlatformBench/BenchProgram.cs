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
        Console.Error.WriteLine("Starting the Portkey gateway…");
        portkey = await PortkeyGateway.StartAsync(cancel.Token);
    }
    if (needsPlatform)
    {
        Console.Error.WriteLine("Starting AiAspire (AppHost, local profile)…");
        platform = await AiAspirePlatform.StartAsync(upstreams, options.ServiceEnvironment, options.Unproxied, cancel.Token);
        await platform.VerifyAsync(upstreams[0], cancel.Token);
    }

    var processes = platform is null ? [] : await platform.ProcessIdsAsync(cancel.Token);
    if (portkey is not null)
    {
        processes["portkey (node)"] = portkey.ProcessId;
    }
    processes["bench (load + fake upstreams)"] = Environment.ProcessId;

    var cpuGroups = processes.ToDictionary(p => p.Key, p => new[] { p.Value });
    if (processes.TryGetValue("Gateway", out var gatewayPid) && ProcessMemory.TreeAbove(gatewayPid, "dcp") is { Count: > 0 } dcp)
    {
        // Aspire's orchestrator, and in the local profile the proxies in front of every service endpoint.
        cpuGroups["dcp"] = [.. dcp];
    }
    var cpu = new CpuMeter(cpuGroups);
    await using var redisCommands = platform is null ? null : await RedisCommandMeter.ConnectAsync(await platform.RedisConnectionStringAsync(cancel.Token));

    if (options.Soak)
    {
        var soak = new SoakRun(platform!.Route("aiaspire", platform.Key, upstreams[0], stream: false), options.SoakRate, options.SoakDuration, processes, cpu);
        Console.WriteLine(await soak.RunAsync(cancel.Token));
        return 0;
    }

    if (platform is not null)
    {
        // Once per run, so that the first point measured does not pay for a cold platform (JIT tiers, pools, caches):
        // profiled at 80 requests/s, a third of the gateway's CPU was still the JIT's a minute after start, so each
        // kind of request gets at least 10 s (more with a longer --warmup).
        Console.Error.WriteLine("Warming AiAspire up…");
        foreach (var target in (Target[])[
            platform.Route("warm-up", platform.Key, upstreams[0], stream: false),
            platform.Route("warm-up", platform.RagKey, upstreams[0], stream: false),
            platform.Route("warm-up", platform.Key, upstreams[0], stream: true)])
        {
            await LoadGenerator.RunAsync(target, Math.Min(options.Concurrency.Max(), 8), TimeSpan.FromSeconds(Math.Max(10, 2 * options.WarmUp.TotalSeconds)), TimeSpan.Zero, cancel.Token);
        }
    }

    await using var memory = new MemorySampler(processes, TimeSpan.FromSeconds(1));
    var started = DateTimeOffset.UtcNow;
    var machine = Report.Machine();
    var points = new List<(PointKey Key, PointResult Result)>();
    var cacheMeasured = false;

    foreach (var upstream in upstreams)
    {
        var delay = (int)upstream.Delay.TotalMilliseconds;
        var targets = new List<(string Scenario, string Baseline, Target Target, int? Delay)>();
        void Add(string scenario, string baseline, Target target, int? at = -1) => targets.Add((scenario, baseline, target, at == -1 ? delay : at));

        if (options.Runs("direct") || options.Runs("portkey") || options.Runs("aiaspire") || options.Runs("rag"))
        {
            Add("direct", "direct", new Target("direct", upstream.Address, Target.ChatPath, [new("Authorization", "Bearer sk-bench-upstream")],
                Target.ChatBody("bench-model", false, 0.7), Stream: false));
        }
        if (options.Runs("portkey"))
        {
            Add("portkey", "direct", portkey!.Route("portkey", upstream, stream: false));
        }
        if (options.Runs("aiaspire"))
        {
            Add("aiaspire", "direct", platform!.Route("aiaspire", platform.Key, upstream, stream: false));
        }
        if (options.Runs("rag"))
        {
            Add("aiaspire + rag", "direct", platform!.Route("aiaspire + rag", platform.RagKey, upstream, stream: false));
        }
        if (options.Runs("cache") && !cacheMeasured)
        {
            // Hits never reach the upstream; compared with the direct call at the first delay.
            Add("aiaspire cache hit", "direct", platform!.Route("aiaspire cache hit", platform.Key, upstream, stream: false, temperature: 0), null);
            cacheMeasured = true;
        }
        if (options.Runs("stream"))
        {
            Add("ttft direct", "ttft direct", new Target("ttft direct", upstream.Address, Target.ChatPath, [new("Authorization", "Bearer sk-bench-upstream")],
                Target.ChatBody("bench-model", true, 0.7), Stream: true));
            Add("ttft portkey", "ttft direct", portkey!.Route("ttft portkey", upstream, stream: true));
            Add("ttft aiaspire", "ttft direct", platform!.Route("ttft aiaspire", platform.Key, upstream, stream: true));
        }

        foreach (var (scenario, baseline, target, at) in targets)
        {
            foreach (var concurrency in options.Concurrency)
            {
                memory.Phase = $"{scenario}|{concurrency}";
                var metersRedis = redisCommands is not null && scenario.Contains("aiaspire", StringComparison.Ordinal);
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
                points.Add((new PointKey(scenario, at, concurrency, baseline, delay), result));
                Console.Error.WriteLine(System.FormattableString.Invariant(
                    $"  {scenario,-20} {delay,4} ms  c={concurrency,-3}  p50 {result.P50Ms,8:F2} ms  p99 {result.P99Ms,8:F2} ms  {result.RequestsPerSecond,8:F0} req/s  errors {result.Failures}"));
            }
        }
    }

    var highest = options.Concurrency.Max().ToString(System.Globalization.CultureInfo.InvariantCulture);
    Console.WriteLine();
    Console.WriteLine($"Machine: {machine} at start; {Report.LoadAverage()} at the end.");
    Console.WriteLine(System.FormattableString.Invariant(
        $"Run: {started:yyyy-MM-dd HH:mm} UTC, {options.WarmUp.TotalSeconds:F0} s warm-up + {options.Duration.TotalSeconds:F0} s measured per point, closed loop; Portkey {portkey?.Version ?? "not run"}; latency from HdrHistogram (time to first content token for ttft rows)."));
    Console.WriteLine();
    Console.WriteLine(Report.Table(points));
    Console.WriteLine($"Resident memory per process (under load: its own scenarios at concurrency {highest}; Portkey's for node, AiAspire's for the rest):");
    Console.WriteLine();
    Console.WriteLine(Report.Memory(memory.Samples, (process, phase) =>
        phase.EndsWith("|" + highest, StringComparison.Ordinal)
        && (process.StartsWith("portkey", StringComparison.Ordinal) ? phase.Contains("portkey", StringComparison.Ordinal)
            : process.StartsWith("bench", StringComparison.Ordinal) || phase.Contains("aiaspire", StringComparison.Ordinal))));
    Console.WriteLine("CPU time per request, ms, by process (measured phase; user + system from /proc; all processes share the cores):");
    Console.WriteLine();
    Console.WriteLine(Report.Cpu(points, cpu.Groups));
    if (platform is not null)
    {
        Console.WriteLine("Redis commands per request (measured phase; INFO commandstats, all clients):");
        Console.WriteLine();
        Console.WriteLine(Report.Redis(points));
        Console.WriteLine("Where AiAspire's orchestrator spends its time (median ms per pipeline stage over all concurrencies, from its InferenceCompleted events):");
        Console.WriteLine();
        Console.WriteLine(await StageBreakdown.ReadAsync(await platform.RedisConnectionStringAsync(cancel.Token), cancel.Token));
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

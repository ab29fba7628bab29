// Orchestrator overhead: the latency the orchestrator adds to a request beyond the time its downstream services spend
// on it (total minus upstream), p50/p99 at concurrency 1, 16 and 64, and the latency of exact- and semantic-cache hits.
//
//   dotnet build Orchestrator -c Release
//   dotnet run --project bench/OrchestratorBench -c Release -- [--duration 2] [--warmup 1] [--concurrency 1,16,64]
//       [--upstream-ms 0] [--orchestrator path/to/other/Orchestrator.dll] [--set Key=Value …]
//
// Starts a throwaway redis-server (from PATH), one fake GuardrailService + RagService + RouterService speaking their
// wire contracts on 127.0.0.1, and the built orchestrator as a child process (Release, else Debug) with its shipped
// appsettings.json: the whole default pipeline (validate, guard-input, memory, retrieve with two passages and their
// injection check, template, token-budget with exact counts, infer, guard-output, format) and the exact cache, events
// on Redis Streams. Each request asks a new question (an id in its text), so the exact cache misses; the fakes time
// every call they serve per id, and overhead = total − those calls. It therefore includes the loopback hops to the
// fakes, the Redis round trips (cache lookup and store, event publishing) and the orchestrator's own work — and, at
// high concurrency, the time a fake's request waits for a thread before its handler starts (the fakes and the load
// generator share this process and the machine's cores with the orchestrator): read c = 16/64 as upper bounds.
// "no retrieval" rows are the same for a tenant whose pipeline has no retrieve step (RAG off, as the platform
// benchmark's main tenant). Cache hits (c = 1) repeat one question: the exact hit of the default pipeline (retrieval on)
// is served behind the guards, so it still runs the steps before "infer" (guards, retrieval); the "checked hit" of the
// tenant without retrieval is served before any step by the checked-answer cache (the fake guards report a policy
// version, as GuardrailService does); the semantic hit runs on a second orchestrator with Cache:Semantic:Enabled and
// asks paraphrases (one courtesy word more), so it also waits for an embedding of the question (counted as upstream).
// "stream" rows are streamed requests of the tenant without retrieval: their "total" is the time to the first chunk
// with answer text (time to first token), and their upstream time counts every call the request made, also those
// after the first token (the last window's output check), so their overhead column reads low.
// `--only full,norag,stream,exact,checked,semantic` runs only those rows (e.g. for a profiler attached meanwhile).
// CPU columns: CPU time per request of the orchestrator, of Redis and of this process (load generator and fakes).
//
// `--router service` calls the built RouterService (Release) instead of the fake router, `--router colocated` runs the
// router's engine inside the orchestrator (Colocation:Router); both route to the fake downstream's OpenAI-compatible
// /v1/chat/completions (RouterUnderTest.cs), and `service` adds the router process's CPU column. `--guard service`
// calls the built GuardrailService (Release) instead of the fake guard, `--guard colocated` runs the guard engine inside
// the orchestrator (Colocation:Guardrails), both on the bench's Redis (GuardUnderTest.cs); `service` adds a guard column.
//
//   dotnet run --project bench/OrchestratorBench -c Release -- hops [--duration 3] [--warmup 1] [--concurrency 1,16]
//
// measures one internal hop alone instead (HopBench.cs): CPU and allocations per call of a typed client through
// ServiceDefaults to a service on ServiceDefaults, against the bare floor and the session-3 defaults.
using AiAspire.OrchestratorBench;

if (args is ["hops", .. var hopArgs])
{
    await HopBench.RunAsync(BenchOptions.Parse(hopArgs));
    return;
}
var options = BenchOptions.Parse(args);
await using var redis = await RedisProcess.StartAsync();
await using var fake = await FakeDownstream.StartAsync(options.UpstreamMs);
await using var router = await RouterUnderTest.StartAsync(options.Router, fake.Address, redis.ConnectionString);
await using var guard = await GuardUnderTest.StartAsync(options.Guard, redis.ConnectionString);
string[] meterNames = ["orch", .. router.Meters.Select(m => m.Name), .. guard.Meters.Select(m => m.Name), "redis", "bench"];

static string Ask(string question, bool stream = false) =>
    $$"""{"model":"default","temperature":0,"max_tokens":256,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{question}}"}]}""";

var rows = new List<string>();
string description;
double peakMiB;
(string, string)[] withoutRetrieval = [.. ((string[])["validate", "guard-input", "memory", "template", "token-budget", "infer", "guard-output", "format"])
    .Select((step, i) => ($"Pipeline:Tenants:{LoadRun.TenantWithoutRetrieval}:Steps:{i}", step))];
await using (var orchestrator = await OrchestratorProcess.StartAsync(fake.Address, redis.ConnectionString, options.Orchestrator,
    [.. withoutRetrieval, .. router.OrchestratorSettings, .. guard.OrchestratorSettings, .. options.Settings]))
{
    description = orchestrator.Description;
    (string, Func<TimeSpan>)[] meters = [("orch", orchestrator.CpuTime), .. router.Meters, .. guard.Meters, ("redis", redis.CpuTime), ("bench", BenchCpu)];
    // First, on a process warmed by its own warm-up (as the semantic hit is on its own process): after the c = 64
    // point, the event backlog and the garbage it left would weigh on it.
    var exact = !options.Runs("exact") ? null : await LoadRun.RunAsync(orchestrator.Address, fake, 1, options.Warmup, options.Duration,
        (id, _) => Ask($"When are invoices due for order {id}?"), meters, fixedId: "bench0x1", expectCache: "exact");
    var checkedHit = !options.Runs("checked") ? null : await LoadRun.RunAsync(orchestrator.Address, fake, 1, options.Warmup, options.Duration,
        (id, _) => Ask($"When are invoices due for order {id}?"), meters, fixedId: "bench0x3", expectCache: "exact",
        tenant: LoadRun.TenantWithoutRetrieval);
    foreach (var concurrency in options.Runs("full") ? options.Concurrency : [])
    {
        var run = await LoadRun.RunAsync(orchestrator.Address, fake, concurrency, options.Warmup, options.Duration,
            (id, _) => Ask($"When are invoices due for order {id}?"), meters);
        rows.Add(run.Format("full pipeline", concurrency));
    }
    foreach (var concurrency in options.Runs("norag") ? options.Concurrency : [])
    {
        var run = await LoadRun.RunAsync(orchestrator.Address, fake, concurrency, options.Warmup, options.Duration,
            (id, _) => Ask($"When are invoices due for order {id}?"), meters, tenant: LoadRun.TenantWithoutRetrieval);
        rows.Add(run.Format("no retrieval", concurrency));
    }
    foreach (var concurrency in options.Runs("stream") ? options.Concurrency : [])
    {
        var run = await LoadRun.RunAsync(orchestrator.Address, fake, concurrency, options.Warmup, options.Duration,
            (id, _) => Ask($"When are invoices due for order {id}?", stream: true), meters, tenant: LoadRun.TenantWithoutRetrieval, stream: true);
        rows.Add(run.Format("stream (ttft)", concurrency));
    }
    if (exact is not null)
    {
        rows.Add(exact.Format("exact hit", 1));
    }
    if (checkedHit is not null)
    {
        rows.Add(checkedHit.Format("checked hit", 1));
    }
    peakMiB = orchestrator.PeakResidentMiB();
}

if (options.Runs("semantic"))
{
    await using (var orchestrator = await OrchestratorProcess.StartAsync(fake.Address, redis.ConnectionString, options.Orchestrator,
        [("Cache:Semantic:Enabled", "true"), .. router.OrchestratorSettings, .. guard.OrchestratorSettings, .. options.Settings]))
    {
        string[] courtesy = ["please", "kindly", "hello", "hi"];
        // The plain question is answered (and stored) once; every measured request is a paraphrase of it.
        await LoadRun.SendOnceAsync(orchestrator.Address, Ask("When are invoices due for order bench0x2?"));
        (string, Func<TimeSpan>)[] meters = [("orch", orchestrator.CpuTime), .. router.Meters, .. guard.Meters, ("redis", redis.CpuTime), ("bench", BenchCpu)];
        var semantic = await LoadRun.RunAsync(orchestrator.Address, fake, 1, options.Warmup, options.Duration,
            (id, i) => Ask($"{courtesy[i % courtesy.Length]} when are invoices due for order {id}?"),
            meters, fixedId: "bench0x2", expectCache: "semantic");
        rows.Add(semantic.Format("semantic hit", 1));
    }
}

Console.WriteLine($"orchestrator: {description}; fake downstream {fake.Address} (model answers after {options.UpstreamMs} ms); " +
    $"{Environment.ProcessorCount} cores; {options.Duration.TotalSeconds:0.#} s per point after {options.Warmup.TotalSeconds:0.#} s warm-up");
Console.WriteLine($"router: {router.Mode}" + (router.PeakResidentMiB() is { } routerMiB ? $", RouterService peak resident memory {routerMiB:F0} MiB" : ""));
Console.WriteLine($"guard: {guard.Mode}" + (guard.PeakResidentMiB() is { } guardMiB ? $"; GuardrailService peak resident memory {guardMiB:F0} MiB" : ""));
Console.WriteLine(LoadRun.Header(meterNames));
foreach (var row in rows)
{
    Console.WriteLine(row);
}
Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}; first orchestrator's peak resident memory {peakMiB:F0} MiB");
Console.WriteLine("downstream calls: " + string.Join(", ", fake.Calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));

// This process: the load generator and the fake services (CPU a real deployment spends elsewhere).
static TimeSpan BenchCpu() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

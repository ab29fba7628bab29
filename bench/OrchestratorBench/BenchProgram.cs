// Orchestrator overhead: the latency the orchestrator adds to a request beyond the time its downstream services spend
// on it (total minus upstream), p50/p99 at concurrency 1, 16 and 64, and the latency of exact- and semantic-cache hits.
//
//   dotnet build Orchestrator -c Release
//   dotnet run --project bench/OrchestratorBench -c Release -- [--duration 2] [--warmup 1] [--concurrency 1,16,64]
//       [--upstream-ms 0] [--orchestrator path/to/other/Orchestrator.dll]
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
// Cache hits (c = 1) repeat one question: the exact hit still runs the steps before "infer" (guards, retrieval);
// the semantic hit runs on a second orchestrator with Cache:Semantic:Enabled and asks paraphrases (one courtesy word
// more), so it also waits for an embedding of the question (counted as upstream).
using AiAspire.OrchestratorBench;

var options = BenchOptions.Parse(args);
await using var redis = await RedisProcess.StartAsync();
await using var fake = await FakeDownstream.StartAsync(options.UpstreamMs);

static string Ask(string question, bool stream = false) =>
    $$"""{"model":"default","temperature":0,"max_tokens":256,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{question}}"}]}""";

var rows = new List<string>();
string description;
await using (var orchestrator = await OrchestratorProcess.StartAsync(fake.Address, redis.ConnectionString, options.Orchestrator))
{
    description = orchestrator.Description;
    // First, on a process warmed by its own warm-up (as the semantic hit is on its own process): after the c = 64
    // point, the event backlog and the garbage it left would weigh on it.
    var exact = await LoadRun.RunAsync(orchestrator.Address, fake, 1, options.Warmup, options.Duration,
        (id, _) => Ask($"When are invoices due for order {id}?"), fixedId: "bench0x1", expectCache: "exact");
    foreach (var concurrency in options.Concurrency)
    {
        var run = await LoadRun.RunAsync(orchestrator.Address, fake, concurrency, options.Warmup, options.Duration,
            (id, _) => Ask($"When are invoices due for order {id}?"));
        rows.Add(run.Format("full pipeline", concurrency));
    }
    rows.Add(exact.Format("exact hit", 1));
}

await using (var orchestrator = await OrchestratorProcess.StartAsync(fake.Address, redis.ConnectionString, options.Orchestrator,
    ("Cache:Semantic:Enabled", "true")))
{
    string[] courtesy = ["please", "kindly", "hello", "hi"];
    // The plain question is answered (and stored) once; every measured request is a paraphrase of it.
    await LoadRun.SendOnceAsync(orchestrator.Address, Ask("When are invoices due for order bench0x2?"));
    var semantic = await LoadRun.RunAsync(orchestrator.Address, fake, 1, options.Warmup, options.Duration,
        (id, i) => Ask($"{courtesy[i % courtesy.Length]} when are invoices due for order {id}?"),
        fixedId: "bench0x2", expectCache: "semantic");
    rows.Add(semantic.Format("semantic hit", 1));
}

Console.WriteLine($"orchestrator: {description}; fake downstream {fake.Address} (model answers after {options.UpstreamMs} ms); " +
    $"{Environment.ProcessorCount} cores; {options.Duration.TotalSeconds:0.#} s per point after {options.Warmup.TotalSeconds:0.#} s warm-up");
Console.WriteLine(LoadRun.Header);
foreach (var row in rows)
{
    Console.WriteLine(row);
}
Console.WriteLine("downstream calls: " + string.Join(", ", fake.Calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));

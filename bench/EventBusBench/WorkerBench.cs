using System.Diagnostics;
using System.Globalization;
using AiAspire.Contracts.Events;
using StackExchange.Redis;

namespace AiAspire.EventBusBench;

/// <summary>
/// The real FeedbackWorker (its Release build, as a process) consuming what the orchestrator publishes per request
/// (InferenceCompleted + InteractionCaptured), at a steady rate: CPU of the worker and of redis-server, and Redis
/// commands, per request; then the streams' length and Redis memory. The worker's memory (resident set, GC heap after
/// the last collection) is printed at each phase's start and every <c>sampleEvery</c> while it runs.
/// </summary>
internal static class WorkerBench
{
    private const string Group = "feedbackworker";
    private static readonly string[] Topics = [InferenceCompleted.Topic, InteractionCaptured.Topic, FeedbackSubmitted.Topic];
    private static readonly double TicksPerMs = 100 / 1000.0; // USER_HZ

    /// <param name="idleSeconds">How long the idle phase is measured (CPU and commands with no traffic) before the loads.</param>
    /// <param name="heapSnapshots">Whether to walk the worker's live objects partway through each load and at its end
    /// (each walk is a full blocking collection, which itself changes what the GC keeps committed).</param>
    public static async Task RunAsync(string workerDll, int[] rates, int seconds, int idleSeconds, bool heapSnapshots)
    {
        using var redis = await ThrowawayRedis.StartAsync();
        using var client = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        var db = client.GetDatabase();
        var server = client.GetServer(client.GetEndPoints()[0]);
        var scratch = Path.Combine(Path.GetTempPath(), "aiaspire-workerbench-" + Guid.NewGuid().ToString("N"));
        using var worker = StartWorker(workerDll, redis.ConnectionString, scratch);
        var sampleEvery = TimeSpan.FromSeconds(Math.Clamp(seconds / 10, 5, 30));
        using var sampling = new CancellationTokenSource();
        var sampler = Task.CompletedTask;
        try
        {
            Console.WriteLine($"redis-server on 127.0.0.1:{redis.Port} (pid {redis.ProcessId}); FeedbackWorker pid {worker.Id} ({workerDll}); {Environment.ProcessorCount} cores; load {File.ReadAllText("/proc/loadavg").Trim()}; DOTNET_gcServer={Environment.GetEnvironmentVariable("DOTNET_gcServer") ?? "(unset)"}");
            await WaitForGroupsAsync(db);
            using var memory = MemorySampler.Start(worker.Id, sampleEvery / 2);
            var phase = new Phase("warm-up");
            sampler = PrintMemoryAsync(memory, phase, sampleEvery, sampling.Token);
            await using var bus = await BenchBus.StartAsync(redis.ConnectionString, group: null);
            var sequence = 0;

            // Warm-up: JIT (tiering goes on for seconds after), connections, scripts loaded.
            sequence = await PublishAsync(bus, sequence, rate: 500, TimeSpan.FromSeconds(10));
            await WaitConsumedAsync(db);
            await Task.Delay(TimeSpan.FromSeconds(15));

            phase.Enter("idle", memory);
            var idle = await MeasureAsync(redis.ProcessId, worker.Id, server, async () => await Task.Delay(TimeSpan.FromSeconds(idleSeconds)));
            Console.WriteLine($"idle {idleSeconds} s: worker {idle.WorkerMs / idleSeconds:N2} ms CPU/s, redis {idle.RedisMs / idleSeconds:N2} ms CPU/s, {idle.Calls.Values.Sum() / (double)idleSeconds:N1} commands/s ({Top(idle.Calls, idleSeconds)})");

            foreach (var rate in rates)
            {
                var requests = rate * seconds;
                var start = sequence;
                phase.Enter($"{rate}/s", memory);
                var partway = TimeSpan.FromSeconds(Math.Min(120, seconds / 2));
                var firstSnapshot = heapSnapshots ? SnapshotAfterAsync(worker.Id, partway) : Task.FromResult<HeapSnapshot?>(null);
                var figures = await MeasureAsync(redis.ProcessId, worker.Id, server, async () =>
                {
                    sequence = await PublishAsync(bus, sequence, rate, TimeSpan.FromSeconds(seconds));
                    await WaitConsumedAsync(db);
                });
                var done = sequence - start;
                Console.WriteLine($"steady {rate} requests/s for {seconds} s ({done:N0} requests = {2 * done:N0} events), measured {figures.Elapsed.TotalSeconds:N1} s:");
                Console.WriteLine($"  CPU ms per request: worker {figures.WorkerMs / done:N3}, redis-server {figures.RedisMs / done:N3}");
                Console.WriteLine($"  Redis commands per request: {figures.Calls.Values.Sum() / (double)done:N2} (XADD excluded: {(figures.Calls.Values.Sum() - figures.Calls.GetValueOrDefault("xadd")) / (double)done:N2}); redis usec per request by command: {Top(figures.Usec, done)}");
                Console.WriteLine($"  calls per request by command: {Top(figures.Calls, done)}");
                Console.WriteLine($"  worker memory at the end: {memory.Read()}; load {File.ReadAllText("/proc/loadavg").Trim()}");
                if (heapSnapshots)
                {
                    var first = await firstSnapshot;
                    first?.Print(Console.Out, $"at +{partway.TotalSeconds:N0} s", baseline: null);
                    var last = await HeapSnapshot.TakeAsync(worker.Id, SnapshotTimeout);
                    last?.Print(Console.Out, "at the end", first);
                }
            }
            await sampling.CancelAsync();
            await sampler;

            var lengths = await Task.WhenAll(Topics.Select(t => db.StreamLengthAsync(t)));
            var usedMemory = (await server.InfoAsync("memory")).SelectMany(g => g).First(p => p.Key == "used_memory").Value;
            Console.WriteLine($"after the run: stream lengths {string.Join(", ", Topics.Zip(lengths, (t, n) => $"{t} {n:N0}"))}; used_memory {long.Parse(usedMemory, CultureInfo.InvariantCulture) / 1048576.0:N1} MiB");
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }

    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromMinutes(2);

    private static async Task<HeapSnapshot?> SnapshotAfterAsync(int pid, TimeSpan delay)
    {
        await Task.Delay(delay);
        return await HeapSnapshot.TakeAsync(pid, SnapshotTimeout);
    }

    /// <summary>The part of the run under way, and when it started.</summary>
    private sealed class Phase(string name)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public string Name { get; private set; } = name;

        public TimeSpan Elapsed => _clock.Elapsed;

        public void Enter(string name, MemorySampler memory)
        {
            Name = name;
            _clock.Restart();
            Console.WriteLine($"  [{name} +0 s] worker {memory.Read()}");
        }
    }

    private static async Task PrintMemoryAsync(MemorySampler memory, Phase phase, TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Console.WriteLine($"  [{phase.Name} +{phase.Elapsed.TotalSeconds:N0} s] worker {memory.Read()}; load {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3])}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static Process StartWorker(string workerDll, string connectionString, string scratch)
    {
        var info = new ProcessStartInfo("dotnet", [workerDll])
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(workerDll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__cache"] = connectionString;
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["EventBus__SpillPath"] = Path.Combine(scratch, "spill");
        info.Environment["Datasets__Path"] = Path.Combine(scratch, "datasets");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info) ?? throw new InvalidOperationException("The FeedbackWorker did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  worker: " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  worker: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForGroupsAsync(IDatabase db)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var ready = 0;
            foreach (var topic in Topics)
            {
                if (await db.KeyExistsAsync(topic) && (await db.StreamGroupInfoAsync(topic)).Any(g => g.Name == Group))
                {
                    ready++;
                }
            }
            if (ready == Topics.Length)
            {
                return;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The FeedbackWorker did not create its consumer groups within 60 s.");
            }
            await Task.Delay(200);
        }
    }

    /// <returns>The next sequence number.</returns>
    private static async Task<int> PublishAsync(BenchBus bus, int sequence, int rate, TimeSpan duration)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }
            var id = (sequence + i).ToString(CultureInfo.InvariantCulture);
            var now = DateTimeOffset.UtcNow;
            bus.Publisher.Publish(new InferenceCompleted(id, "bench", "/v1/chat/completions", "gpt-4o-mini-2024-07-18", "openai",
                "openai-gpt-4o-mini", "ok", 250 + i % 50, new Dictionary<string, double> { ["router"] = 240 }, 120, 48, 0.0001m,
                false, false, 0, [], false, now));
            bus.Publisher.Publish(new InteractionCaptured(id, "bench", "openai-gpt-4o-mini",
                [new("system", "You are a helpful assistant. Answer briefly and cite the passages you use."),
                 new("user", "Request " + id + ": how do I get a refund for an order that arrived damaged? My email is <EMAIL_1>.")],
                "Refunds for damaged orders are issued within 14 days of your request: reply to the delivery email with a photo of the damage and the order number, and we will send a prepaid return label.",
                now));
        }
        return sequence + total;
    }

    private static async Task WaitConsumedAsync(IDatabase db)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var done = true;
            foreach (var topic in Topics)
            {
                var group = (await db.StreamGroupInfoAsync(topic)).Single(g => g.Name == Group);
                done &= group.PendingMessageCount == 0 && group.Lag == 0;
            }
            if (done)
            {
                return;
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("The FeedbackWorker did not catch up within 5 minutes.");
            }
            await Task.Delay(20);
        }
    }

    private sealed record Figures(TimeSpan Elapsed, double WorkerMs, double RedisMs, Dictionary<string, long> Calls, Dictionary<string, long> Usec);

    /// <summary>CPU of both processes and Redis's per-command counters over <paramref name="run"/>; the bench's own INFO/XINFO calls excluded.</summary>
    private static async Task<Figures> MeasureAsync(int redisPid, int workerPid, IServer server, Func<Task> run)
    {
        var (calls0, usec0) = await CommandStatsAsync(server);
        var worker0 = CpuTicks(workerPid);
        var redis0 = CpuTicks(redisPid);
        var clock = Stopwatch.StartNew();
        await run();
        clock.Stop();
        var worker1 = CpuTicks(workerPid);
        var redis1 = CpuTicks(redisPid);
        var (calls1, usec1) = await CommandStatsAsync(server);
        string[] own = ["info", "xinfo|groups", "exists", "xinfo"];
        Dictionary<string, long> Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
            after.Where(p => !own.Contains(p.Key)).Select(p => (p.Key, Value: p.Value - before.GetValueOrDefault(p.Key)))
                .Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);
        return new Figures(clock.Elapsed, (worker1 - worker0) / TicksPerMs, (redis1 - redis0) / TicksPerMs, Delta(calls0, calls1), Delta(usec0, usec1));
    }

    private static async Task<(Dictionary<string, long> Calls, Dictionary<string, long> Usec)> CommandStatsAsync(IServer server)
    {
        var calls = new Dictionary<string, long>();
        var usec = new Dictionary<string, long>();
        foreach (var pair in (await server.InfoAsync("commandstats")).SelectMany(g => g))
        {
            var name = pair.Key["cmdstat_".Length..];
            foreach (var part in pair.Value.Split(','))
            {
                var kv = part.Split('=');
                if (kv[0] == "calls")
                {
                    calls[name] = long.Parse(kv[1], CultureInfo.InvariantCulture);
                }
                else if (kv[0] == "usec")
                {
                    usec[name] = long.Parse(kv[1], CultureInfo.InvariantCulture);
                }
            }
        }
        return (calls, usec);
    }

    /// <summary>utime + stime of a process, in clock ticks.</summary>
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static string Top(Dictionary<string, long> values, double per) =>
        string.Join(", ", values.OrderByDescending(p => p.Value).Take(10).Select(p => $"{p.Key} {p.Value / per:N2}"));
}

// Events/s through the Redis Streams transport, and consumer lag at a steady rate, on this machine.
//   dotnet run -c Release --project bench/EventBusBench -- [events=50000] [rate=500] [seconds=20]
// CPU and Redis commands per request of the real FeedbackWorker consuming InferenceCompleted + InteractionCaptured:
//   dotnet build FeedbackWorker -c Release && dotnet run -c Release --project bench/EventBusBench -- \
//     worker FeedbackWorker/bin/Release/net10.0/FeedbackWorker.dll [requests/s list=200,2000] [seconds=20] [idle seconds=seconds] [--heap]
// It also prints the worker's resident set and GC heap as it goes (a memory soak: `... 200 600 20`); --heap walks the
// worker's live objects partway through each load and at its end, and prints the largest types and what grew.
// Starts its own redis-server (no persistence) on a free 127.0.0.1 port; needs redis-server on PATH.
using System.Diagnostics;
using System.Globalization;
using AiAspire.EventBusBench;

if (args.Length > 1 && args[0] == "worker")
{
    var heapSnapshots = args.Contains("--heap");
    args = [.. args.Where(a => a != "--heap")];
    var rates = args.Length > 2 ? args[2].Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() : [200, 2000];
    var loadSeconds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
    await WorkerBench.RunAsync(args[1], rates, loadSeconds, args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : loadSeconds, heapSnapshots);
    return;
}

var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50_000;
var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;

using var redis = await ThrowawayRedis.StartAsync();
Console.WriteLine($"redis-server on 127.0.0.1:{redis.Port}; {Environment.ProcessorCount} cores");

// 1. Throughput: publish a burst, and consume it in a group, each timed from the first publish.
await using (var bus = await BenchBus.StartAsync(redis.ConnectionString, "throughput"))
{
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < events; i++)
    {
        if (!bus.Publish(i))
        {
            throw new InvalidOperationException("The publisher refused an event.");
        }
    }
    var publishCalls = clock.Elapsed;
    await bus.WaitUntilAsync(() => bus.StreamLength() >= events, TimeSpan.FromMinutes(5));
    var onStream = clock.Elapsed;
    await bus.WaitUntilAsync(() => bus.Handled >= events, TimeSpan.FromMinutes(5));
    var handled = clock.Elapsed;
    Console.WriteLine($"burst of {events:N0} events:");
    Console.WriteLine($"  Publish() calls          {events / publishCalls.TotalSeconds,10:N0} events/s ({publishCalls.TotalMilliseconds:N0} ms)");
    Console.WriteLine($"  on the stream (XADD)     {events / onStream.TotalSeconds,10:N0} events/s ({onStream.TotalMilliseconds:N0} ms)");
    Console.WriteLine($"  handled by the consumer  {events / handled.TotalSeconds,10:N0} events/s ({handled.TotalMilliseconds:N0} ms)");
}

// A new consumer group starts at the stream's beginning: clear the burst so it measures only its own events.
await redis.DeleteStreamAsync(AiAspire.Contracts.Events.InferenceCompleted.Topic);

// 2. Lag: publish at a steady rate; lag = handled time − publish time, per event.
await using (var bus = await BenchBus.StartAsync(redis.ConnectionString, "lag"))
{
    var total = rate * seconds;
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < total; i++)
    {
        var due = TimeSpan.FromSeconds((double)i / rate);
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait);
        }
        bus.Publish(i);
    }
    var published = clock.Elapsed;
    await bus.WaitUntilAsync(() => bus.Handled >= total, TimeSpan.FromMinutes(2));
    var lags = bus.LagsMs();
    Console.WriteLine($"steady {rate} events/s for {seconds} s ({total:N0} events, published in {published.TotalSeconds:N1} s):");
    Console.WriteLine($"  lag p50 {Percentile(lags, 0.50):N1} ms, p95 {Percentile(lags, 0.95):N1} ms, p99 {Percentile(lags, 0.99):N1} ms, max {lags[^1]:N1} ms");
}

static double Percentile(double[] sorted, double q) => sorted[(int)Math.Floor(q * (sorted.Length - 1))];

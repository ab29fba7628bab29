// Proxy overhead of the gateway: latency p50/p99 of a 0 ms upstream called directly and through the gateway.
//
//   dotnet build Gateway -c Release
//   dotnet run --project bench/GatewayBench -c Release -- [--requests 5000] [--concurrency 1,8] [--redis 127.0.0.1:6379]
//       [--gateway path/to/other/Gateway.dll] [--env NAME=VALUE ...]
//
// The gateway runs as its own process (Gateway/bin/Release/net10.0/Gateway.dll, or Debug when no Release build
// exists) on 127.0.0.1, its orchestrator cluster pointed at a fake OpenAI upstream in this process. With --redis
// (a running redis-server) the gateway also checks stored keys and takes request/token/concurrency limits and
// monthly budgets (set high enough never to refuse) in Redis, so the figures include the Lua round trip.
using AiAspire.Bench;
using AiAspire.GatewayBench;

var options = BenchOptions.Parse(args);
// As the orchestrator does: the gateway charges the answer's cost to the monthly budgets.
await using var upstream = await FakeUpstream.StartAsync(TimeSpan.Zero, costUsd: "0.000012");
await using var gateway = await GatewayProcess.StartAsync(upstream.Address, options.Redis, options.Gateway, options.Environment);

Console.WriteLine($"gateway: {gateway.Description}; upstream {upstream.Address}; {options.Requests} requests per run; " +
    $"{Environment.ProcessorCount} cores; redis: {options.Redis ?? "none"}");
Console.WriteLine("concurrency  target    p50 ms   p99 ms   req/s   gateway CPU ms/request");
foreach (var concurrency in options.Concurrency)
{
    var direct = await LoadRun.RunAsync(upstream.Address, null, concurrency, options.Requests);
    var cpuBefore = gateway.CpuTime();
    var proxied = await LoadRun.RunAsync(gateway.Address, GatewayProcess.Key, concurrency, options.Requests);
    // Load-insensitive: what one proxied request costs the gateway's process, whatever else runs on the machine.
    var cpuPerRequest = (gateway.CpuTime() - cpuBefore).TotalMilliseconds / options.Requests;
    Console.WriteLine(direct.Format(concurrency, "direct"));
    Console.WriteLine(proxied.Format(concurrency, "gateway") + $"   {cpuPerRequest,8:F3}");
    Console.WriteLine($"{concurrency,11}  overhead  {proxied.P50 - direct.P50,6:F2}   {proxied.P99 - direct.P99,6:F2}");
}

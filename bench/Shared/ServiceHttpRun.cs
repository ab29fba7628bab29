using System.Diagnostics;
using System.Globalization;
using static AiAspire.Bench.ServiceBench;

namespace AiAspire.Bench;

/// <summary>
/// A service bench's <c>http</c> mode (compiled into each): the built service as a child process on a free loopback
/// port with its shared state on a throwaway redis-server (from PATH), then, for each call and concurrency, a warm-up
/// and a measured closed-loop (or paced) load, reported as latency, the service's and Redis's CPU time per call and
/// Redis commands per call — CPU, unlike latency, hardly depends on what else loads the machine.
/// </summary>
internal static class ServiceHttpRun
{
    /// <param name="service">The service's short name: its CPU column's and its Redis folder's.</param>
    /// <param name="project">The service's project, as the first line names it.</param>
    /// <param name="header">The table's column heads.</param>
    /// <param name="environment">The service's environment beyond Production, warning logs and the Redis (<c>--set</c> ones go on top).</param>
    /// <param name="calls">Once the service at this address is up: every call the bench has, each one call per call number.</param>
    public static async Task<int> RunAsync(HttpRunOptions options, string service, string project, string header,
        IEnumerable<(string Key, string Value)> environment, Func<string, Task<(string Name, Func<HttpClient, long, Task> Call)[]>> calls)
    {
        var redisPort = FreePort();
        var redisDirectory = Directory.CreateTempSubdirectory($"aiaspire-{service}-bench-redis-").FullName;
        using var redis = Start("redis-server", ["--port", Text(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDirectory], null);
        var address = $"http://127.0.0.1:{Text(FreePort())}";
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ConnectionStrings__cache"] = $"127.0.0.1:{Text(redisPort)}",
        };
        foreach (var (key, value) in environment.Concat(options.Settings.Select(s => (s.Key, s.Value))))
        {
            variables[key] = value;
        }
        using var process = Start("dotnet", [options.Dll, "--urls", address], variables);
        try
        {
            await WaitHealthyAsync(address, process, project);
            Console.WriteLine($"{project} (Release) {options.Dll} at {address}; {Environment.ProcessorCount} cores; {options.Duration.TotalSeconds:0.#} s per point after {options.Warmup.TotalSeconds:0.#} s warm-up");
            Console.WriteLine(header);
            var all = await calls(address);
            // The name column fits the longest name, the CPU column its head.
            var nameWidth = all.Max(c => c.Name.Length) + 1;
            var cpuWidth = $"{service} CPU ms/call".Length;
            foreach (var (name, call) in all.Where(c => options.Calls is null || options.Calls.Contains(c.Name)))
            {
                foreach (var c in options.Concurrency)
                {
                    await LoadAsync(address, c, options.Warmup, options.Rate, null, call);
                    var samples = new List<double>();
                    var (serviceCpu, redisCpu, commands) = (CpuTime(process), CpuTime(redis), await RedisCommandsAsync(redisPort));
                    var clock = Stopwatch.StartNew();
                    await LoadAsync(address, c, options.Duration, options.Rate, samples, call);
                    var elapsed = clock.Elapsed;
                    var (serviceUsed, redisUsed) = (CpuTime(process) - serviceCpu, CpuTime(redis) - redisCpu);
                    var commandsUsed = await RedisCommandsAsync(redisPort) - commands - 1; // the INFO that counted
                    samples.Sort();
                    var serviceMs = (serviceUsed.TotalMilliseconds / samples.Count).ToString("F3", CultureInfo.InvariantCulture);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name.PadRight(nameWidth)} {c,4} {samples.Count,8} {samples.Count / elapsed.TotalSeconds,7:F0} {samples[samples.Count / 2],8:F2} {samples[(int)(samples.Count * 0.99)],8:F2}  {serviceMs.PadLeft(cpuWidth)}  {redisUsed.TotalMilliseconds / samples.Count,17:F3}  {commandsUsed / (double)samples.Count,16:F2}"));
                }
            }
            Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            Stop(process);
            Stop(redis);
            Directory.Delete(redisDirectory, recursive: true);
        }
    }
}

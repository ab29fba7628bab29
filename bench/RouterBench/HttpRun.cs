using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using AiAspire.Bench;
using static AiAspire.Bench.ServiceBench;
using AiAspire.TestKit;

namespace AiAspire.RouterBench;

/// <summary>
/// The router as the orchestrator calls it: the built RouterService (Release) as a child process on a free loopback port,
/// its shared state on a throwaway redis-server (from PATH), one openai-compatible deployment pointing at TestKit's
/// <see cref="FakeOpenAIServer"/> in this process, and closed-loop load on <c>POST /v1/complete</c>. Reports latency
/// and the router process's CPU time per completion (routing, limits, provider call through the OpenAI SDK, response
/// mapping, HTTP and JSON included), which, unlike latency, hardly depends on what else loads the machine.
/// Calls: <c>complete</c> (a deployment without rpm/tpm limits, as the platform bench configures it), <c>limits</c> (the
/// same with rpm and tpm limits, counted in Redis on every call) and <c>stream</c> (SSE to the end).
/// </summary>
internal static class HttpRun
{
    private const string Body = """
        {"model":"bench","messages":[{"role":"system","content":"You are a helpful support assistant for Contoso. Answer briefly and politely."},{"role":"user","content":"What is the refund policy for annual plans?"}],"temperature":0.7%STREAM%}
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(3);
        var warmup = TimeSpan.FromSeconds(1);
        int[] concurrency = [1, 16];
        double? rate = null;
        string? dll = null;
        HashSet<string>? only = null;
        var settings = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--duration":
                    duration = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
                    break;
                case "--warmup":
                    warmup = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
                    break;
                case "--rate":
                    rate = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--concurrency":
                    concurrency = [.. args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
                    break;
                case "--calls":
                    only = [.. args[i + 1].Split(',')];
                    break;
                case "--router":
                    dll = Path.GetFullPath(args[i + 1]);
                    break;
                case "--set" when args[i + 1].Split('=', 2) is [var key, var value]:
                    settings[key] = value;
                    break;
                default:
                    Console.Error.WriteLine(
                        "Options: http [--duration s] [--warmup s] [--concurrency 1,16] [--rate calls/s] [--calls complete,limits,stream] [--router other/RouterService.dll] [--set KEY=VALUE (router environment)]");
                    return 2;
            }
        }

        dll ??= Path.Combine(RepositoryRoot(), "RouterService", "bin", "Release", "net10.0", "RouterService.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine("Build the router first: dotnet build RouterService -c Release");
            return 2;
        }

        var upstream = new FakeOpenAIServer();
        await upstream.InitializeAsync();
        var redisPort = FreePort();
        var redisDirectory = Directory.CreateTempSubdirectory("aiaspire-router-bench-redis-").FullName;
        using var redis = Start("redis-server", ["--port", Text(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDirectory], null);
        var address = $"http://127.0.0.1:{Text(FreePort())}";
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ConnectionStrings__cache"] = $"127.0.0.1:{Text(redisPort)}",
        };
        foreach (var (name, limits) in (ValueTuple<string, bool>[])[("bench", false), ("bench-limited", true)])
        {
            environment[$"Catalog__Deployments__{name}__Provider"] = "openai-compatible";
            environment[$"Catalog__Deployments__{name}__Endpoint"] = upstream.V1Endpoint;
            environment[$"Catalog__Deployments__{name}__ApiKey"] = "sk-bench-upstream";
            environment[$"Catalog__Deployments__{name}__ModelId"] = "bench-model";
            if (limits)
            {
                // High enough never to refuse: the bench measures what counting costs, not a refusal.
                environment[$"Catalog__Deployments__{name}__RequestsPerMinute"] = "100000000";
                environment[$"Catalog__Deployments__{name}__TokensPerMinute"] = "1000000000";
            }
        }
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }
        using var router = Start("dotnet", [dll, "--urls", address], environment);
        try
        {
            await WaitHealthyAsync(address, router, "RouterService");
            Console.WriteLine($"RouterService (Release) {dll} at {address}; {Environment.ProcessorCount} cores; {duration.TotalSeconds:0.#} s per point after {warmup.TotalSeconds:0.#} s warm-up");
            Console.WriteLine("call         c    calls   req/s   p50 ms   p99 ms  router CPU ms/call  redis CPU ms/call  redis cmds/call");
            (string Name, string Body, bool Stream)[] scenarios =
            [
                ("complete", Body.Replace("%STREAM%", ""), false),
                ("limits", Body.Replace("\"bench\"", "\"bench-limited\"").Replace("%STREAM%", ""), false),
                ("stream", Body.Replace("%STREAM%", ",\"stream\":true"), true),
            ];
            foreach (var (name, body, stream) in scenarios.Where(s => only is null || only.Contains(s.Name)))
            {
                foreach (var c in concurrency)
                {
                    await LoadAsync(address, body, stream, c, warmup, null, rate);
                    var samples = new List<double>();
                    var (routerCpu, redisCpu, commands) = (CpuTime(router), CpuTime(redis), await RedisCommandsAsync(redisPort));
                    var clock = Stopwatch.StartNew();
                    await LoadAsync(address, body, stream, c, duration, samples, rate);
                    var elapsed = clock.Elapsed;
                    var (routerUsed, redisUsed) = (CpuTime(router) - routerCpu, CpuTime(redis) - redisCpu);
                    var commandsUsed = await RedisCommandsAsync(redisPort) - commands - 1; // the INFO that counted
                    samples.Sort();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-9} {c,4} {samples.Count,8} {samples.Count / elapsed.TotalSeconds,7:F0} {samples[samples.Count / 2],8:F2} {samples[(int)(samples.Count * 0.99)],8:F2}  {routerUsed.TotalMilliseconds / samples.Count,18:F3}  {redisUsed.TotalMilliseconds / samples.Count,17:F3}  {commandsUsed / (double)samples.Count,16:F2}"));
                }
            }
            Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            Stop(router);
            Stop(redis);
            await upstream.DisposeAsync();
            Directory.Delete(redisDirectory, recursive: true);
        }
    }

    private static Task LoadAsync(string address, string body, bool stream, int concurrency, TimeSpan duration, List<double>? samples, double? rate = null) =>
        ServiceBench.LoadAsync(address, concurrency, duration, rate, samples, async (http, _) =>
        {
            using var response = await http.PostAsync("/v1/complete", new StringContent(body, Encoding.UTF8, "application/json"));
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !answer.Contains(stream ? "\"done\"" : "\"usage\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"/v1/complete answered {(int)response.StatusCode}: {answer}");
            }
        });
}

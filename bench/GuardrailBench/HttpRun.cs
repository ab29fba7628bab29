using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AiAspire.GuardrailBench;

/// <summary>
/// The guard as the orchestrator calls it: the built GuardrailService (Release) as a child process on a free loopback
/// port with its vault on a throwaway redis-server (from PATH), and closed-loop load on <c>POST /v1/guard/input</c>
/// (a short question, nothing to mask) and <c>/v1/guard/output</c> (a one-sentence answer with a system prompt to
/// check for leakage) — what one chat request costs the guard, HTTP, JSON and ASP.NET included. Reports latency and
/// the guard process's CPU time per call, which, unlike latency, does not depend on what else loads the machine.
/// </summary>
internal static class HttpRun
{
    private const string Question = "What is the refund policy for annual plans?";
    private const string Answer = "Happy to help: you can get your money back within two weeks of buying it.";
    private const string SystemPrompt = "You are a helpful support assistant for Contoso. Answer briefly and politely.";

    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromSeconds(3);
        var warmup = TimeSpan.FromSeconds(1);
        int[] concurrency = [1, 16];
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
                case "--concurrency":
                    concurrency = [.. args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
                    break;
                default:
                    Console.Error.WriteLine("Options: http [--duration s] [--warmup s] [--concurrency 1,16]");
                    return 2;
            }
        }

        var root = RepositoryRoot();
        var dll = Path.Combine(root, "GuardrailService", "bin", "Release", "net10.0", "GuardrailService.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine("Build the guard first: dotnet build GuardrailService -c Release");
            return 2;
        }

        var redisPort = FreePort();
        var redisDirectory = Directory.CreateTempSubdirectory("aiaspire-guard-bench-redis-").FullName;
        using var redis = Start("redis-server", ["--port", Text(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", redisDirectory], null);
        var address = $"http://127.0.0.1:{Text(FreePort())}";
        using var guard = Start("dotnet", [dll, "--urls", address], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ConnectionStrings__cache"] = $"127.0.0.1:{Text(redisPort)}",
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        });
        try
        {
            await WaitHealthyAsync(address, guard);
            Console.WriteLine($"GuardrailService (Release) at {address}; {Environment.ProcessorCount} cores; {duration.TotalSeconds:0.#} s per point after {warmup.TotalSeconds:0.#} s warm-up");
            Console.WriteLine("call      c    calls   req/s   p50 ms   p99 ms  guard CPU ms/call  redis CPU ms/call");
            var input = $$"""{"messages":[{"role":"user","content":"{{Question}}"}]}""";
            var output = $$"""{"text":"{{Answer}}","systemPrompt":"{{SystemPrompt}}"}""";
            foreach (var (name, path, body) in (ValueTuple<string, string, string>[])[("input", "/v1/guard/input", input), ("output", "/v1/guard/output", output)])
            {
                foreach (var c in concurrency)
                {
                    await LoadAsync(address, path, body, c, warmup, null);
                    var samples = new List<double>();
                    var (guardCpu, redisCpu) = (CpuTime(guard), CpuTime(redis));
                    var clock = Stopwatch.StartNew();
                    await LoadAsync(address, path, body, c, duration, samples);
                    var elapsed = clock.Elapsed;
                    var (guardUsed, redisUsed) = (CpuTime(guard) - guardCpu, CpuTime(redis) - redisCpu);
                    samples.Sort();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-6} {c,4} {samples.Count,8} {samples.Count / elapsed.TotalSeconds,7:F0} {samples[samples.Count / 2],8:F2} {samples[(int)(samples.Count * 0.99)],8:F2}  {guardUsed.TotalMilliseconds / samples.Count,17:F3}  {redisUsed.TotalMilliseconds / samples.Count,17:F3}"));
                }
            }
            Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            Stop(guard);
            Stop(redis);
            Directory.Delete(redisDirectory, recursive: true);
        }
    }

    private static async Task LoadAsync(string address, string path, string body, int concurrency, TimeSpan duration, List<double>? samples)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(Contracts.AiAspireHeaders.Tenant, "bench");
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
                }
                if (samples is not null)
                {
                    lock (samples)
                    {
                        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
            }
        }));
    }

    private static async Task WaitHealthyAsync(string address, Process guard)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300 && !guard.HasExited; attempt++)
        {
            try
            {
                if ((await http.GetAsync(address + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new InvalidOperationException("GuardrailService did not answer /health within 60 s.");
    }

    private static Process Start(string file, string[] arguments, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    private static TimeSpan CpuTime(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run from inside the repository.");
    }
}

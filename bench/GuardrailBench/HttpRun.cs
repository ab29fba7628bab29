using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using AiAspire.Bench;
using static AiAspire.Bench.ServiceBench;

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
    private const string QuestionWithEmail = "I am jane.doe@example.com: what is the refund policy for annual plans?";
    private const string AnswerWithPlaceholder = "We will write to <EMAIL_1> about your refund within two weeks.";

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
                case "--set" when args[i + 1].Split('=', 2) is [var key, var value]:
                    settings[key] = value;
                    break;
                case "--guard":
                    dll = Path.GetFullPath(args[i + 1]);
                    break;
                default:
                    Console.Error.WriteLine("Options: http [--duration s] [--warmup s] [--concurrency 1,16] [--rate calls/s] [--calls input,output,input-pii,output-vault,stream] [--guard other/GuardrailService.dll] [--set KEY=VALUE (guard environment)]");
                    return 2;
            }
        }

        dll ??= Path.Combine(RepositoryRoot(), "GuardrailService", "bin", "Release", "net10.0", "GuardrailService.dll");
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
        }.Concat(settings).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        try
        {
            await WaitHealthyAsync(address, guard, "GuardrailService");
            Console.WriteLine($"GuardrailService (Release) {dll} at {address}; {Environment.ProcessorCount} cores; {duration.TotalSeconds:0.#} s per point after {warmup.TotalSeconds:0.#} s warm-up");
            Console.WriteLine("call            c    calls   req/s   p50 ms   p99 ms  guard CPU ms/call  redis CPU ms/call  redis cmds/call");
            var vaultId = await VaultIdAsync(address);
            foreach (var (name, path, body) in Scenarios(vaultId).Where(s => only is null || only.Contains(s.Name)))
            {
                foreach (var c in concurrency)
                {
                    await LoadAsync(address, path, body, c, warmup, null, rate);
                    var samples = new List<double>();
                    var (guardCpu, redisCpu, commands) = (CpuTime(guard), CpuTime(redis), await RedisCommandsAsync(redisPort));
                    var clock = Stopwatch.StartNew();
                    await LoadAsync(address, path, body, c, duration, samples, rate);
                    var elapsed = clock.Elapsed;
                    var (guardUsed, redisUsed) = (CpuTime(guard) - guardCpu, CpuTime(redis) - redisCpu);
                    var commandsUsed = await RedisCommandsAsync(redisPort) - commands - 1; // the INFO that counted
                    samples.Sort();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{name,-13} {c,4} {samples.Count,8} {samples.Count / elapsed.TotalSeconds,7:F0} {samples[samples.Count / 2],8:F2} {samples[(int)(samples.Count * 0.99)],8:F2}  {guardUsed.TotalMilliseconds / samples.Count,17:F3}  {redisUsed.TotalMilliseconds / samples.Count,17:F3}  {commandsUsed / (double)samples.Count,16:F2}"));
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

    /// <summary>
    /// The calls measured, each a body per call number: what a chat request without personal data costs (input,
    /// output: the platform bench's case), with an email to mask and vault (input-pii) and its answer restored from the
    /// vault (output-vault), and a streamed answer checked in three windows under one stream id (stream: each window is
    /// one call; the first two keep the stream's tail in Redis, the last forgets it).
    /// </summary>
    private static (string Name, string Path, Func<long, string> Body)[] Scenarios(string vaultId)
    {
        var input = $$"""{"messages":[{"role":"user","content":"{{Question}}"}]}""";
        var output = $$"""{"text":"{{Answer}}","systemPrompt":"{{SystemPrompt}}"}""";
        var inputPii = $$"""{"messages":[{"role":"user","content":"{{QuestionWithEmail}}"}]}""";
        var outputVault = $$"""{"text":"{{AnswerWithPlaceholder}}","vaultId":"{{vaultId}}","systemPrompt":"{{SystemPrompt}}"}""";
        string[] windows = ["Happy to help: you can get your money ", "back within two weeks of buying it, and the ", "refund reaches your card in five days."];
        return
        [
            ("input", "/v1/guard/input", _ => input),
            ("output", "/v1/guard/output", _ => output),
            ("input-pii", "/v1/guard/input", _ => inputPii),
            ("output-vault", "/v1/guard/output", _ => outputVault),
            ("stream", "/v1/guard/output", call =>
            {
                var window = (int)(call % windows.Length);
                var stream = string.Create(CultureInfo.InvariantCulture, $"bench-{call / windows.Length}");
                return $$"""{"text":"{{windows[window]}}","systemPrompt":"{{SystemPrompt}}","streamId":"{{stream}}","final":{{(window == windows.Length - 1 ? "true" : "false")}}}""";
            }),
        ];
    }

    /// <summary>The vault of one masked input, for the output-vault calls to restore from.</summary>
    /// <remarks>A cold guard on a loaded machine may refuse its first calls (scan time budget): a few tries, then give up.</remarks>
    private static async Task<string> VaultIdAsync(string address)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(Contracts.AiAspireHeaders.Tenant, "bench");
        var answer = "";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var response = await http.PostAsync("/v1/guard/input",
                new StringContent($$"""{"messages":[{"role":"user","content":"{{QuestionWithEmail}}"}]}""", Encoding.UTF8, "application/json"));
            answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var verdict = System.Text.Json.JsonDocument.Parse(answer);
                if (verdict.RootElement.TryGetProperty("vaultId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
                    && id.GetString() is { Length: > 0 } vault)
                {
                    return vault;
                }
                break;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new InvalidOperationException("The guard vaulted nothing for a question with an email: " + answer);
    }

    private static Task LoadAsync(string address, string path, Func<long, string> body, int concurrency, TimeSpan duration, List<double>? samples, double? rate = null) =>
        // Each worker numbers its own calls, so a stream's windows are checked in order on one connection's turn.
        ServiceBench.LoadAsync(address, concurrency, duration, rate, samples, async (http, call) =>
        {
            using var response = await http.PostAsync(path, new StringContent(body(call), Encoding.UTF8, "application/json"));
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {answer}");
            }
        });
}

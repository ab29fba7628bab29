using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AiAspire.OrchestratorBench;

/// <summary>
/// A closed-loop run: <c>concurrency</c> workers sending requests back to back for a set time. Per request: the total
/// latency the client saw, the upstream time the fakes spent on it, and the difference — the orchestrator's overhead.
/// </summary>
/// <param name="CpuMsPerRequest">CPU time per measured request of each metered process (orchestrator, Redis), in milliseconds:
/// load-insensitive, unlike latency on a shared machine.</param>
internal sealed record LoadRun(int Requests, double RequestsPerSecond, double[] Total, double[] Upstream, double[] Overhead, int Failures, int Unexpected,
    IReadOnlyList<(string Name, double CpuMsPerRequest)> Cpu)
{
    public const string Tenant = "bench";

    /// <summary>A tenant whose pipeline has no retrieve step (RAG off), as the platform benchmark's main tenant.</summary>
    public const string TenantWithoutRetrieval = "bench-norag";

    private static int s_runs;

    /// <param name="body">The request body for bench id <c>id</c>.</param>
    /// <param name="fixedId">Use this id for every request (cache hits must send the same text) instead of a new one each.</param>
    /// <param name="expectCache">The <c>x-aiaspire-cache</c> value every measured answer must carry; others are counted as unexpected.</param>
    /// <param name="meters">Processes whose CPU time is read before and after the measured interval.</param>
    public static async Task<LoadRun> RunAsync(
        string address, FakeDownstream fake, int concurrency, TimeSpan warmup, TimeSpan duration,
        Func<string, int, string> body, IReadOnlyList<(string Name, Func<TimeSpan> CpuTime)> meters, string? fixedId = null, string? expectCache = null,
        string tenant = Tenant, bool stream = false)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Add(Contracts.AiAspireHeaders.Tenant, tenant);
        var run = Interlocked.Increment(ref s_runs);
        if (warmup > TimeSpan.Zero)
        {
            await Workers(http, fake, run, concurrency, warmup, body, fixedId, null, null, stream);
        }
        fake.Forget();
        var samples = new List<(double Total, double Upstream)>();
        var cpuBefore = meters.Select(m => m.CpuTime()).ToArray();
        var clock = Stopwatch.StartNew();
        var (failures, unexpected) = await Workers(http, fake, run + 1_000, concurrency, duration, body, fixedId, expectCache, samples, stream);
        var elapsed = clock.Elapsed;
        var served = Math.Max(1, samples.Count + failures);
        var cpu = meters.Select((m, i) => (m.Name, (m.CpuTime() - cpuBefore[i]).TotalMilliseconds / served)).ToList();
        var total = samples.Select(s => s.Total).Order().ToArray();
        var upstream = samples.Select(s => s.Upstream).Order().ToArray();
        var overhead = samples.Select(s => s.Total - s.Upstream).Order().ToArray();
        return new LoadRun(samples.Count, samples.Count / elapsed.TotalSeconds, total, upstream, overhead, failures, unexpected, cpu);
    }

    /// <summary>One request, which must succeed (e.g. to put an answer in the cache).</summary>
    public static async Task SendOnceAsync(string address, string body, string tenant = Tenant)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add(Contracts.AiAspireHeaders.Tenant, tenant);
        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The orchestrator answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<(int Failures, int Unexpected)> Workers(
        HttpClient http, FakeDownstream fake, int run, int concurrency, TimeSpan duration, Func<string, int, string> body,
        string? fixedId, string? expectCache, List<(double, double)>? samples, bool stream = false)
    {
        var next = -1;
        var failures = 0;
        var unexpected = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                var id = fixedId ?? string.Create(CultureInfo.InvariantCulture, $"bench{run}x{i}");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                {
                    Content = new StringContent(body(id, i), Encoding.UTF8, "application/json"),
                };
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
                var total = stream && response.IsSuccessStatusCode
                    ? await TimeToFirstContentAsync(response, start)
                    : Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!stream || !response.IsSuccessStatusCode)
                {
                    await response.Content.ReadAsByteArrayAsync();
                }
                var upstream = fake.TakeUpstreamMs(id);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }
                if (expectCache is not null && (!response.Headers.TryGetValues("x-aiaspire-cache", out var cache) || cache.Single() != expectCache))
                {
                    Interlocked.Increment(ref unexpected);
                }
                if (samples is not null)
                {
                    lock (samples)
                    {
                        samples.Add((total, upstream));
                    }
                }
            }
        }));
        return (failures, unexpected);
    }

    /// <summary>
    /// Reads a chat.completion.chunk stream up to its first chunk with answer text and returns the milliseconds since
    /// <paramref name="start"/> (time to first token); the whole stream when none has text.
    /// </summary>
    private static async Task<double> TimeToFirstContentAsync(HttpResponseMessage response, long start)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal)
                && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
                var ttft = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                await reader.ReadToEndAsync();
                return ttft;
            }
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * p))];

    public string Format(string what, int concurrency) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what,-14} {concurrency,4} {Requests,8} {RequestsPerSecond,7:F0}  {Percentile(Total, 0.5),9:F2} {Percentile(Total, 0.99),8:F2}  {Percentile(Upstream, 0.5),9:F2}  {Percentile(Overhead, 0.5),9:F2} {Percentile(Overhead, 0.99),8:F2}  {string.Join(" ", Cpu.Select(c => $"{c.CpuMsPerRequest,6:F2}"))}{(Failures > 0 ? $"  ({Failures} failed)" : "")}{(Unexpected > 0 ? $"  ({Unexpected} not served from the cache)" : "")}{(Upstream.Count(u => u == 0) is > 0 and var none ? $"  ({none} with no upstream call seen)" : "")}");

    public static string Header(IEnumerable<string> meters) =>
        "what              c requests   req/s  total p50      p99  upstr p50  overh p50      p99  " + string.Join(" ", meters.Select(m => $"{m,6}")) + "   (ms; CPU ms per request)";
}

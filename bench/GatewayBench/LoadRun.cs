using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace AiAspire.GatewayBench;

/// <summary>A closed-loop run: <c>concurrency</c> workers each sending requests back to back; latency per request.</summary>
internal sealed record LoadRun(double P50, double P99, double RequestsPerSecond, int Failures)
{
    private const string Body = """{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}""";

    public static async Task<LoadRun> RunAsync(string address, string? key, int concurrency, int requests)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency })
        {
            BaseAddress = new Uri(address),
            Timeout = TimeSpan.FromSeconds(30),
        };
        // Warm up connections, JIT and caches.
        await Workers(http, key, concurrency, Math.Min(requests, 1000), null);
        var latencies = new double[requests];
        var clock = Stopwatch.StartNew();
        var failures = await Workers(http, key, concurrency, requests, latencies);
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        return new LoadRun(
            latencies[(int)(requests * 0.50)],
            latencies[Math.Min(requests - 1, (int)(requests * 0.99))],
            requests / elapsed.TotalSeconds,
            failures);
    }

    private static async Task<int> Workers(HttpClient http, string? key, int concurrency, int requests, double[]? latencies)
    {
        var next = -1;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
                {
                    Content = new StringContent(Body, Encoding.UTF8, "application/json"),
                };
                if (key is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                }
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                if (latencies is not null)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        return failures;
    }

    public string Format(int concurrency, string target) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{concurrency,11}  {target,-8}  {P50,6:F2}   {P99,6:F2}   {RequestsPerSecond,6:F0}{(Failures > 0 ? $"  ({Failures} failed)" : "")}");
}

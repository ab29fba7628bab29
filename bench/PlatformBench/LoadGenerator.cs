using System.Diagnostics;
using System.Net;
using System.Text;
using HdrHistogram;

namespace AiAspire.PlatformBench;

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers, each on its own kept-alive connection, sending the target's request
/// back to back — first for the warm-up (not recorded), then for the measured duration. Latency is recorded in
/// microseconds in HdrHistograms: the whole response, or for streams the time to the first content token.
/// </summary>
internal static class LoadGenerator
{
    /// <summary>Microseconds: one minute is the longest latency recorded.</summary>
    private const long HighestTrackable = 60_000_000;

    /// <param name="measuring">Called between the warm-up and the measured phase.</param>
    public static async Task<PointResult> RunAsync(
        Target target, int concurrency, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken, Action? measuring = null)
    {
        using var http = CreateClient(target, concurrency);
        await RunPhaseAsync(http, target, concurrency, warmUp, record: false, cancellationToken);
        measuring?.Invoke();
        return await RunPhaseAsync(http, target, concurrency, duration, record: true, cancellationToken);
    }

    public static HttpClient CreateClient(Target target, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = new Uri(target.Address),
            Timeout = TimeSpan.FromSeconds(60),
        };

    private static async Task<PointResult> RunPhaseAsync(
        HttpClient http, Target target, int concurrency, TimeSpan duration, bool record, CancellationToken cancellationToken)
    {
        var workers = new Worker[concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker();
        }
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(http, target, deadline, cancellationToken), cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var latency = NewHistogram();
        var failures = 0L;
        string? firstError = null;
        foreach (var worker in workers)
        {
            latency.Add(worker.Latency);
            failures += worker.Failures;
            firstError ??= worker.FirstError;
        }
        return record
            ? new PointResult(latency, latency.TotalCount / elapsed.TotalSeconds, failures, firstError)
            : new PointResult(NewHistogram(), 0, failures, firstError);
    }

    public static LongHistogram NewHistogram() => new(HighestTrackable, 3);

    /// <summary>Sends one request and returns its latency in µs (to the first token for streams), or throws.</summary>
    public static async Task<long> SendOnceAsync(HttpClient http, Target target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Path)
        {
            Content = new StringContent(target.Body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} from {target.Name}: {Shorten(problem)}");
        }

        if (!target.Stream)
        {
            await response.Content.CopyToAsync(Stream.Null, cancellationToken);
            return Micros(start);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8);
        long? firstToken = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (firstToken is null && SseChunk.HasContent(line))
            {
                firstToken = Micros(start);
            }
        }
        return firstToken ?? throw new HttpRequestException($"The stream from {target.Name} ended without a content token.");
    }

    private static long Micros(long start) => (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private sealed class Worker
    {
        public LongHistogram Latency { get; } = NewHistogram();

        public long Failures { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(HttpClient http, Target target, long deadline, CancellationToken cancellationToken)
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    Latency.RecordValue(Math.Min(await SendOnceAsync(http, target, cancellationToken), HighestTrackable));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    Failures++;
                    FirstError ??= ex.Message;
                    // A failing target answers fast; don't let it spin the cores the rest of the machine needs.
                    await Task.Delay(10, cancellationToken);
                }
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests.Faults;

/// <summary>
/// A bounded background loop of requests through the gateway while a fault happens: a few workers, each sending one
/// request at a time with a short pause, until stopped or <see cref="MaxRequests"/> were sent. Stopping never cancels
/// a request in flight (its answer, and the event it causes, must be counted), it only stops new ones.
/// </summary>
internal sealed class BackgroundLoad
{
    public const int MaxRequests = 1_500;

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(25);

    private readonly ConcurrentQueue<LoadOutcome> _outcomes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private int _sent;

    private BackgroundLoad(HttpClient client, Func<int, HttpRequestMessage> request, int workers)
    {
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => RunAsync(client, request)))];
    }

    /// <summary>Requests answered so far (any status).</summary>
    public int Answered => _outcomes.Count(o => o.Status is not null);

    /// <summary>Waits until <paramref name="more"/> further requests are answered: the load went on through a phase of the fault.</summary>
    public async Task RunsOnAsync(int more, string phase)
    {
        var from = Answered;
        await Eventually.HoldsAsync(() => Answered >= from + more, phase, FaultsFixture.RestartTimeout);
    }

    /// <summary>Starts <paramref name="workers"/> loops sending what <paramref name="request"/> builds for each request number.</summary>
    public static BackgroundLoad Start(HttpClient client, Func<int, HttpRequestMessage> request, int workers = 2) => new(client, request, workers);

    /// <summary>Stops sending, waits for the requests in flight, and returns every outcome in the order they ended.</summary>
    public async Task<IReadOnlyList<LoadOutcome>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return [.. _outcomes];
    }

    private async Task RunAsync(HttpClient client, Func<int, HttpRequestMessage> request)
    {
        while (!_stop.IsCancellationRequested)
        {
            var index = Interlocked.Increment(ref _sent);
            if (index > MaxRequests)
            {
                return;
            }
            _outcomes.Enqueue(await SendAsync(client, request(index), index));
            try
            {
                await Task.Delay(Pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal static async Task<LoadOutcome> SendAsync(HttpClient client, HttpRequestMessage request, int index = 0)
    {
        using (request)
        {
            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                return new LoadOutcome(index, response.StatusCode, response.Content.Headers.ContentType?.MediaType, body,
                    response.Headers.TryGetValues("x-aiaspire-retrieval", out var retrieval) ? retrieval.FirstOrDefault() : null);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return new LoadOutcome(index, null, null, ex.GetType().Name + ": " + ex.Message, null);
            }
        }
    }
}

/// <param name="Status">Null when no response came (connection failed or the client timed out).</param>
/// <param name="Retrieval">The orchestrator's x-aiaspire-retrieval header: set when the answer went without the context asked for.</param>
internal sealed record LoadOutcome(int Index, HttpStatusCode? Status, string? MediaType, string Body, string? Retrieval)
{
    public bool IsProblem(HttpStatusCode status) => Status == status && MediaType == "application/problem+json";

    public override string ToString() => $"#{Index} {(Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")} {MediaType}: {(Body.Length > 300 ? Body[..300] : Body)}";
}

using System.Globalization;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Faults;

/// <summary>
/// One injected fault: kills (or stops) a resource, starts it again with Aspire's start command, keeps the requests the test sent in the foreground, and
/// when disposed writes the line CI's reliability summary reads —
/// <c>fault: &lt;name&gt;; injected 1; survived 1; requests N; events lost 0</c> — whether the test passed or not
/// ("survived 0" and "events lost unknown" when it failed before proving them). A resource still stopped at the end
/// (a failed test) is started again, so the next test finds the whole platform.
/// </summary>
internal sealed class FaultRun(FaultsFixture platform, ITestOutputHelper output, string name, string resource) : IAsyncDisposable
{
    private readonly List<LoadOutcome> _probes = [];
    private bool _stopped;
    private int _injected;
    private bool _survived;
    private int _requests;
    private long? _eventsLost;

    /// <summary>The requests sent in the foreground (probes), in order.</summary>
    public IReadOnlyList<LoadOutcome> Probes => _probes;

    /// <summary>Kills the resource's process (a crash), or with <paramref name="graceful"/> stops it with Aspire's stop command.</summary>
    public async Task InjectAsync(bool graceful = false)
    {
        _stopped = true;
        if (graceful)
        {
            await platform.StopAsync(resource);
        }
        else
        {
            await platform.KillAsync(resource);
        }
        _injected = 1;
    }

    public async Task RecoverAsync()
    {
        await platform.StartAsync(resource);
        _stopped = false;
    }

    /// <summary>Sends one foreground request and keeps its outcome.</summary>
    public async Task<LoadOutcome> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        var outcome = await BackgroundLoad.SendAsync(client, request, -(_probes.Count + 1));
        _probes.Add(outcome);
        return outcome;
    }

    /// <summary>Sends numbered foreground requests (from 20,000) until one satisfies <paramref name="recovered"/>, and returns it.</summary>
    public Task<LoadOutcome> SendUntilAsync(HttpClient client, Func<int, HttpRequestMessage> request, Func<LoadOutcome, bool> recovered, string what)
    {
        var next = 20_000;
        return Eventually.MatchesAsync(() => SendAsync(client, request(next++)), recovered, what, FaultsFixture.RestartTimeout);
    }

    /// <summary>
    /// Waits until the FeedbackWorker's totals for the tenant settle, records the run's tally (<paramref name="all"/> plus
    /// <paramref name="uncountedRequests"/> that cause no counted event) and returns how many of <paramref name="all"/> it counted.
    /// </summary>
    public async Task<long> CountAsync(HttpClient tenantClient, IReadOnlyList<LoadOutcome> all, int uncountedRequests = 0)
    {
        var counted = await FeedbackTotals.SettledAsync(platform, tenantClient, all.Count);
        Counted(all.Count + uncountedRequests, Math.Max(0, all.Count - counted));
        return counted;
    }

    /// <summary>Every request of the run: the background load's and the probes.</summary>
    public IReadOnlyList<LoadOutcome> All(IReadOnlyList<LoadOutcome> load) => [.. load, .. _probes];

    /// <summary>Records how many requests the run made and how many of their events the read models miss.</summary>
    private void Counted(int requests, long eventsLost)
    {
        _requests = requests;
        _eventsLost = eventsLost;
    }

    /// <summary>Called last, once every assertion held.</summary>
    public void Survived() => _survived = true;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_stopped)
            {
                await platform.StartAsync(resource);
            }
        }
        finally
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"fault: {name}; injected {_injected}; survived {(_survived ? 1 : 0)}; requests {_requests}; events lost {(_eventsLost is { } lost ? lost.ToString(CultureInfo.InvariantCulture) : "unknown")}"));
        }
    }
}

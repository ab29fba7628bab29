using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using Xunit.Abstractions;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Resilience;

public sealed class ResilienceTests(ITestOutputHelper output)
{
    private static Fault Status(int status, string? retryAfter = null, string? errorCode = null) =>
        new(status, retryAfter is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter }, errorCode);

    private static IReadOnlyList<(string Deployment, string Outcome)> Summaries(CompletionResponse response) =>
        [.. response.Route.Attempts.Select(Summary)];

    [Fact]
    public async Task Complete_ThirtyPercent5xxOnOneDeploymentAndAnotherHealthy_AtLeast999Of1000Succeed()
    {
        var random = new Random(3);
        var injected = 0;
        var flaky = new ScriptedOpenAIServer("flaky")
        {
            Script = _ =>
            {
                lock (random)
                {
                    if (random.NextDouble() >= 0.3)
                    {
                        return Fault.None;
                    }
                }
                Interlocked.Increment(ref injected);
                return Status(503);
            },
        };
        var healthy = new ScriptedOpenAIServer("healthy");
        // The breaker is off here: with the test's frozen clock a circuit that opens never half-opens, which would starve
        // the flaky deployment of traffic and test the breaker (covered below) instead of retries and fallback.
        await using var router = await ResilientRouter.StartAsync([("flaky", flaky), ("healthy", healthy)],
            new() { ["Router:BreakerFailureThreshold"] = "0" });
        using var client = router.CreateClient();
        const int Requests = 1_000;
        var servedBy = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var succeeded = 0;
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var response = await PostAsync(client, Ask("chain", $"request {i}"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CompletionResponse, ct))!;
                servedBy.AddOrUpdate(body.Route.Deployment, 1, (_, n) => n + 1);
                Interlocked.Increment(ref succeeded);
            }
        });

        output.WriteLine($"{succeeded}/{Requests} succeeded in {clock.ElapsedMilliseconds} ms; {injected} injected 5xx; " +
            $"served by {string.Join(", ", servedBy.Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.True(succeeded >= 999, $"{succeeded}/{Requests}");
        Assert.InRange(injected, 100, Requests);
        Assert.True(servedBy.GetValueOrDefault("flaky") > 0 && servedBy.GetValueOrDefault("healthy") > 0);
    }

    [Fact]
    public async Task Complete_429WithRetryAfter_WaitsThatLongThenRetriesTheSameDeployment()
    {
        var limited = new ScriptedOpenAIServer("limited") { Script = n => n == 1 ? Status(429, retryAfter: "1") : Fault.None };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("limited", limited), ("healthy", healthy)]);
        using var client = router.CreateClient();
        var clock = Stopwatch.StartNew();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"{clock.Elapsed}");
        Assert.Equal(limited.Reply, response.Text);
        Assert.Equal([("limited", "error"), ("limited", "ok")], Summaries(response));
        Assert.Contains("429", response.Route.Attempts[0].Error);
        Assert.Equal(0, healthy.Requests);
    }

    [Fact]
    public async Task Complete_RetryAfterLongerThanTheBound_FallsBackAtOnce()
    {
        var limited = new ScriptedOpenAIServer("limited") { Script = _ => Status(429, retryAfter: "120") };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("limited", limited), ("healthy", healthy)]);
        using var client = router.CreateClient();
        var clock = Stopwatch.StartNew();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
        Assert.Equal([("limited", "error"), ("healthy", "ok")], Summaries(response));
        Assert.Equal(1, limited.Requests);
    }

    [Fact]
    public async Task Complete_Persistent5xx_RetriedUpToMaxRetriesThenFallsBack()
    {
        var failing = new ScriptedOpenAIServer("failing") { Script = _ => Status(500) };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("failing", failing), ("healthy", healthy)],
            new() { ["Router:MaxRetries"] = "2" });
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.Equal([("failing", "error"), ("failing", "error"), ("failing", "error"), ("healthy", "ok")], Summaries(response));
        Assert.Equal(3, failing.Requests);
    }

    [Fact]
    public async Task Complete_400_IsNotRetriedButFallsBack()
    {
        var refusing = new ScriptedOpenAIServer("refusing") { Script = _ => Status(400) };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("refusing", refusing), ("healthy", healthy)],
            new() { ["Router:MaxRetries"] = "3" });
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "hello"));

        Assert.Equal([("refusing", "error"), ("healthy", "ok")], Summaries(response));
        Assert.Equal(1, refusing.Requests);
    }

    [Fact]
    public async Task Complete_ContextWindowOverflow_SkipsCandidatesNoLargerAndFallsBackToALargerWindow()
    {
        var small = new ScriptedOpenAIServer("small") { Script = _ => Status(400, errorCode: "context_length_exceeded") };
        var alsoSmall = new ScriptedOpenAIServer("also-small");
        var large = new ScriptedOpenAIServer("large");
        await using var router = await ResilientRouter.StartAsync([("small", small), ("also-small", alsoSmall), ("large", large)],
            new()
            {
                ["Catalog:Deployments:small:ContextWindow"] = "8192",
                ["Catalog:Deployments:also-small:ContextWindow"] = "8192",
                ["Catalog:Deployments:large:ContextWindow"] = "128000",
            });
        using var client = router.CreateClient();

        var response = await CompleteAsync(client, Ask("chain", "a prompt the provider counts as too long"));

        Assert.Equal(large.Reply, response.Text);
        Assert.Equal([("small", "error"), ("also-small", "skipped"), ("large", "ok")], Summaries(response));
        Assert.Contains("no larger than the 8192", response.Route.Attempts[1].Error);
        Assert.Equal((1, 0), (small.Requests, alsoSmall.Requests));
    }

    [Fact]
    public async Task Complete_DeadlinePassedWhileTheFirstDeploymentStalls_Returns502SoonListingTheDeadline()
    {
        var stalling = new ScriptedOpenAIServer("stalling") { Script = _ => new Fault(Delay: TimeSpan.FromMinutes(2)) };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("stalling", stalling), ("healthy", healthy)],
            new() { ["Router:Deadline"] = "00:00:03", ["Router:AttemptTimeout"] = "00:00:30" });
        using var client = router.CreateClient();
        var clock = Stopwatch.StartNew();

        using var response = await PostAsync(client, Ask("chain", "hello"));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{clock.Elapsed}");
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadGateway, ProblemTypes.UpstreamFailed);
        Assert.Equal([("stalling", "error", "deadline exceeded"), ("healthy", "skipped", "deadline exceeded")],
            AttemptsOf(problem).Select(a => (a.Deployment, a.Outcome, a.Error)));
        Assert.Equal(0, healthy.Requests);
    }

    [Fact]
    public async Task Complete_CircuitOpenedByFailures_SkipsTheDeploymentThenProbesItBackAfterTheBreak()
    {
        var healthyNow = false;
        var recovering = new ScriptedOpenAIServer("recovering") { Script = _ => Volatile.Read(ref healthyNow) ? Fault.None : Status(502) };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("recovering", recovering), ("healthy", healthy)],
            new() { ["Router:MaxRetries"] = "0", ["Router:BreakerFailureThreshold"] = "2", ["Router:BreakerBreakDuration"] = "00:01:00" });
        using var client = router.CreateClient();

        var first = await CompleteAsync(client, Ask("chain", "1"));
        var second = await CompleteAsync(client, Ask("chain", "2"));
        var whileOpen = await CompleteAsync(client, Ask("chain", "3"));
        Volatile.Write(ref healthyNow, true);
        var stillOpen = await CompleteAsync(client, Ask("chain", "4"));
        router.Clock.Advance(TimeSpan.FromMinutes(1));
        var probe = await CompleteAsync(client, Ask("chain", "5"));
        var closed = await CompleteAsync(client, Ask("chain", "6"));

        Assert.Equal([("recovering", "error"), ("healthy", "ok")], Summaries(first));
        Assert.Equal([("recovering", "error"), ("healthy", "ok")], Summaries(second));
        Assert.Equal([("recovering", "skipped"), ("healthy", "ok")], Summaries(whileOpen));
        Assert.StartsWith("circuit open after 2 consecutive failures", whileOpen.Route.Attempts[0].Error);
        Assert.Equal([("recovering", "skipped"), ("healthy", "ok")], Summaries(stillOpen));
        Assert.Equal([("recovering", "ok")], Summaries(probe));
        Assert.Equal([("recovering", "ok")], Summaries(closed));
        Assert.Equal(4, recovering.Requests);
    }

    [Fact]
    public async Task Stream_503BeforeTheFirstToken_IsRetriedTransparently()
    {
        var flaky = new ScriptedOpenAIServer("flaky") { Script = n => n == 1 ? Status(503) : Fault.None };
        var healthy = new ScriptedOpenAIServer("healthy");
        await using var router = await ResilientRouter.StartAsync([("flaky", flaky), ("healthy", healthy)]);
        using var client = router.CreateClient();

        var events = await StreamAsync(client, Ask("chain", "hello"));

        Assert.Equal(CompletionStreamEvent.Start, events[0].Type);
        Assert.Equal("flaky", events[0].Route!.Deployment);
        Assert.Equal(flaky.Reply, string.Concat(events.Where(e => e.Type == CompletionStreamEvent.Delta).Select(e => e.Text)));
        Assert.Equal(CompletionStreamEvent.Done, events[^1].Type);
        Assert.Equal([("flaky", "error"), ("flaky", "ok")], events[^1].Route!.Attempts.Select(Summary));
        Assert.Equal(new TokenUsage(10, 4), events[^1].Usage);
    }
}

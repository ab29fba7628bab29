using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using AiAspire.Contracts.Quality;
using AiAspire.FeedbackWorker.Quality;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>GET /api/quality/models and /api/quality/timeseries, and feedback, end to end through the bus.</summary>
public sealed class QualityModelsAndTimeSeriesTests(FeedbackWorkerApp app) : IClassFixture<FeedbackWorkerApp>
{
    private const double Tolerance = LatencyHistogram.RelativeAccuracy + 1e-3;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly DateTimeOffset Ten = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    private IEventPublisher Publisher => app.Services.GetRequiredService<IEventPublisher>();

    [Fact]
    public async Task Models_ComparesErrorRateLatencyCostAndFeedbackScore_PerModel()
    {
        var tenant = Inferences.NewTenant();
        var fast = Enumerable.Range(0, 100)
            .Select(i => Inferences.Completed(tenant, model: "fast", latencyMs: 10 + i, costUsd: 0.001m, status: i < 5 ? "error" : "ok"))
            .ToList();
        var slow = Enumerable.Range(0, 20)
            .Select(i => Inferences.Completed(tenant, model: "slow", latencyMs: 1_000 + 10 * i, costUsd: 0.01m))
            .ToList();
        foreach (var @event in fast.Concat(slow))
        {
            Publisher.Publish(@event);
        }
        foreach (var rating in new[] { "up", "up", "up", "down" })
        {
            Publisher.Publish(Feedback(tenant, "fast", rating));
        }
        using var client = app.CreateClient(tenant);

        var list = await Eventually.MatchesAsync(() => GetAsync<ModelComparisonList>(client, "/api/quality/models"),
            l => l.Models.Sum(m => m.Requests) == 120 && l.Models.Sum(m => m.FeedbackUp + m.FeedbackDown) == 4,
            "every event and rating was counted");

        Assert.Equal(["fast", "slow"], list.Models.Select(m => m.Model));
        var f = list.Models[0];
        Assert.Equal((100L, 5L, 0.05), (f.Requests, f.Errors, f.ErrorRate));
        Assert.Equal(0.1m, f.CostUsd);
        Assert.Equal(0.001m, f.CostPerRequestUsd);
        Assert.Equal((3L, 1L, 0.75), (f.FeedbackUp, f.FeedbackDown, f.FeedbackScore));
        AssertNear(Exact(fast, 0.50), f.LatencyP50Ms, "fast p50");
        AssertNear(Exact(fast, 0.95), f.LatencyP95Ms, "fast p95");
        AssertNear(Exact(fast, 0.99), f.LatencyP99Ms, "fast p99");
        var s = list.Models[1];
        Assert.Equal((20L, 0L, 0.0), (s.Requests, s.Errors, s.ErrorRate));
        Assert.Null(s.FeedbackScore);
        AssertNear(Exact(slow, 0.99), s.LatencyP99Ms, "slow p99");
    }

    [Fact]
    public async Task RedeliveredFeedback_IsCountedOnce()
    {
        var tenant = Inferences.NewTenant();
        var transport = app.Services.GetRequiredService<IEventTransport>();
        var source = new Uri("/aiaspire/test", UriKind.Relative);
        var duplicate = EventEnvelope.Encode(Feedback(tenant, "m", "down"), source, null, null);

        await transport.SendAsync(duplicate, CancellationToken.None);
        await transport.SendAsync(duplicate, CancellationToken.None);
        await transport.SendAsync(EventEnvelope.Encode(Feedback(tenant, "m", "up"), source, null, null), CancellationToken.None);
        using var client = app.CreateClient(tenant);

        // The stream is consumed in order: once the last rating is in, both copies before it have been handled.
        var list = await Eventually.MatchesAsync(() => GetAsync<ModelComparisonList>(client, "/api/quality/models"),
            l => l.Models.Any(m => m.FeedbackUp == 1), "the rating after the duplicates was counted");

        Assert.Equal((1L, 1L, 0.5), (list.Models[0].FeedbackUp, list.Models[0].FeedbackDown, list.Models[0].FeedbackScore));
    }

    [Fact]
    public async Task TimeSeries_SumsEachBucket_FromThePerMinuteFigures_AndFiltersByModelAndRoute()
    {
        var tenant = Inferences.NewTenant();
        // 10:00–10:04 → bucket 10:00; 10:05–10:09 → bucket 10:05; nothing in 10:10–10:14.
        var events = new List<InferenceCompleted>();
        for (var minute = 0; minute < 10; minute++)
        {
            events.Add(Inferences.Completed(tenant, model: "a", latencyMs: 100 + minute, tokensIn: 10, at: Ten.AddMinutes(minute).AddSeconds(30)));
            events.Add(Inferences.Completed(tenant, model: "b", route: "/api/chat", latencyMs: 500, tokensIn: 1, at: Ten.AddMinutes(minute)));
        }
        foreach (var @event in events)
        {
            Publisher.Publish(@event);
        }
        Publisher.Publish(Feedback(tenant, "a", "down", at: Ten.AddMinutes(6)));
        using var client = app.CreateClient(tenant);
        var range = "from=2026-11-28T10:00:00Z&to=2026-11-28T10:15:00Z&bucket=5m";

        var all = await Eventually.MatchesAsync(() => GetAsync<QualityTimeSeries>(client, "/api/quality/timeseries?" + range),
            s => s.Points.Sum(p => p.Requests) == 20 && s.Points.Sum(p => p.FeedbackDown) == 1, "every event was counted");

        Assert.Equal(5, all.BucketMinutes);
        Assert.Equal([Ten, Ten.AddMinutes(5), Ten.AddMinutes(10)], all.Points.Select(p => p.Start));
        Assert.Equal([10L, 10L, 0L], all.Points.Select(p => p.Requests));
        Assert.Equal([55L, 55L, 0L], all.Points.Select(p => p.TokensIn));
        Assert.Equal([0L, 1L, 0L], all.Points.Select(p => p.FeedbackDown));

        var onlyA = await GetAsync<QualityTimeSeries>(client, "/api/quality/timeseries?" + range + "&model=a");
        Assert.Equal([5L, 5L, 0L], onlyA.Points.Select(p => p.Requests));
        AssertNear(104, onlyA.Points[0].LatencyP99Ms, "model a's p99 in the first bucket");

        var onlyChat = await GetAsync<QualityTimeSeries>(client, "/api/quality/timeseries?" + range + "&route=%2Fapi%2Fchat");
        Assert.Equal([5L, 5L, 0L], onlyChat.Points.Select(p => p.Requests));
        Assert.All(onlyChat.Points.Take(2), p => AssertNear(500, p.LatencyP50Ms, "route /api/chat p50"));
    }

    [Theory]
    [InlineData("from=yesterday", "from and to must be ISO 8601")]
    [InlineData("from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z", "from must be before to")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-11-28T00:00:00Z&bucket=1d", "at most 31 days")]
    [InlineData("bucket=7x", "bucket must be")]
    [InlineData("bucket=0m", "bucket must be")]
    [InlineData("from=2026-11-20T00:00:00Z&to=2026-11-28T00:00:00Z&bucket=1m", "use a larger bucket")]
    public async Task TimeSeries_WithBadParameters_Is400ProblemJson(string query, string message)
    {
        using var client = app.CreateClient(Inferences.NewTenant());

        using var response = await client.GetAsync("/api/quality/timeseries?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ProblemTypes.Validation, json.RootElement.GetProperty("type").GetString());
        Assert.Contains(message, json.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TimeSeries_WithoutParameters_IsTheLastHourByMinute()
    {
        using var client = app.CreateClient(Inferences.NewTenant());

        var series = await GetAsync<QualityTimeSeries>(client, "/api/quality/timeseries");

        Assert.Equal(1, series.BucketMinutes);
        Assert.InRange(series.Points.Count, 60, 61);
        Assert.All(series.Points, p => Assert.Equal(0, p.Requests));
        Assert.InRange(series.To, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Models_WithoutTenantHeader_Is401ProblemJson()
    {
        using var client = app.CreateClient(tenant: null);

        using var response = await client.GetAsync("/api/quality/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static FeedbackSubmitted Feedback(string tenant, string model, string rating, DateTimeOffset? at = null) =>
        new(Guid.NewGuid().ToString("N"), tenant, model, "/v1/chat/completions", rating, at ?? DateTimeOffset.UtcNow);

    private static async Task<T> GetAsync<T>(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<T>(Json) ?? throw new InvalidOperationException($"{path} returned null.");
    }

    private static double Exact(IReadOnlyList<InferenceCompleted> events, double q)
    {
        var sorted = events.Select(e => e.LatencyMs).Order().ToArray();
        return sorted[(int)Math.Floor(q * (sorted.Length - 1))];
    }

    private static void AssertNear(double exact, double actual, string what) =>
        Assert.True(Math.Abs(actual - exact) <= Tolerance * exact, $"{what}: {actual} ms, exact {exact} ms");
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.Contracts.Quality;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>
/// GET /api/quality/summary end to end: events go through the real publisher, Redis Streams and the consumer into
/// the projection, and come back out of the endpoint.
/// </summary>
public sealed class QualityApiTests(FeedbackWorkerApp app) : IClassFixture<FeedbackWorkerApp>
{
    private const double Tolerance = LatencyHistogram.RelativeAccuracy + 1e-3;

    private IEventPublisher Publisher => app.Services.GetRequiredService<IEventPublisher>();

    [Fact]
    public async Task Summary_ReflectsPublishedEvents_InTotalAndPerModel()
    {
        var tenant = Inferences.NewTenant();
        var random = new Random(11);
        var events = new List<InferenceCompleted>();
        for (var i = 0; i < 60; i++)
        {
            events.Add(Inferences.Completed(tenant, model: "gpt-4o-mini", latencyMs: 100 + random.NextDouble() * 400,
                tokensIn: 100 + i, tokensOut: 10 + i, costUsd: 0.0001m * (i + 1), status: i % 10 == 0 ? "error" : "ok"));
        }
        for (var i = 0; i < 25; i++)
        {
            events.Add(Inferences.Completed(tenant, model: "claude-3-haiku", latencyMs: 800 + random.NextDouble() * 1_200,
                tokensIn: 300, tokensOut: 90, costUsd: 0.002m, status: i < 3 ? "blocked" : "ok", cacheHit: i % 2 == 0));
        }
        foreach (var @event in events)
        {
            Assert.True(Publisher.Publish(@event));
        }
        using var client = app.CreateClient(tenant);

        var summary = await Eventually.MatchesAsync(() => GetSummaryAsync(client), s => s.Total.Requests >= events.Count,
            $"all {events.Count} events were counted");

        Assert.Equal(tenant, summary.Tenant);
        AssertFigures(events, summary.Total);
        Assert.Equal(["gpt-4o-mini", "claude-3-haiku"], summary.Models.Select(m => m.Model));
        foreach (var model in summary.Models)
        {
            AssertFigures([.. events.Where(e => e.Deployment == model.Model)], model.Figures);
        }
    }

    [Fact]
    public async Task RedeliveredEvent_IsCountedOnce()
    {
        var tenant = Inferences.NewTenant();
        var transport = app.Services.GetRequiredService<IEventTransport>();
        var source = new Uri("/aiaspire/test", UriKind.Relative);
        var duplicate = EventEnvelope.Encode(Inferences.Completed(tenant, tokensIn: 5), source, null, null);

        await transport.SendAsync(duplicate, CancellationToken.None);
        await transport.SendAsync(duplicate, CancellationToken.None);
        await transport.SendAsync(EventEnvelope.Encode(Inferences.Completed(tenant, tokensIn: 1_000), source, null, null), CancellationToken.None);
        using var client = app.CreateClient(tenant);

        // The stream is consumed in order: once the last event is in, both copies before it have been handled.
        var summary = await Eventually.MatchesAsync(() => GetSummaryAsync(client), s => s.Total.TokensIn >= 1_000,
            "the event after the duplicates was counted");

        Assert.Equal(2, summary.Total.Requests);
        Assert.Equal(1_005, summary.Total.TokensIn);
    }

    [Fact]
    public async Task Summary_OfAnotherTenant_ShowsNoneOfThoseEvents()
    {
        var tenant = Inferences.NewTenant();
        var other = Inferences.NewTenant();
        Publisher.Publish(Inferences.Completed(tenant));
        using var client = app.CreateClient(tenant);
        using var otherClient = app.CreateClient(other);
        await Eventually.MatchesAsync(() => GetSummaryAsync(client), s => s.Total.Requests == 1, "the event was counted");

        var summary = await GetSummaryAsync(otherClient);

        Assert.Equal(other, summary.Tenant);
        Assert.Equal(new QualityFigures(0, 0, 0, 0, 0, 0, 0), summary.Total);
        Assert.Empty(summary.Models);
    }

    [Fact]
    public async Task Summary_BeforeAnyEvent_IsZeros()
    {
        using var client = app.CreateClient(Inferences.NewTenant());

        using var response = await client.GetAsync("/api/quality/summary");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var total = json.RootElement.GetProperty("total");
        Assert.Equal(0, total.GetProperty("requests").GetInt64());
        Assert.Equal(0, total.GetProperty("latencyP95Ms").GetDouble());
        Assert.Equal(0, total.GetProperty("latencyP99Ms").GetDouble());
        Assert.Equal(0, total.GetProperty("costUsd").GetDecimal());
        Assert.Equal(0, json.RootElement.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task Summary_WithoutTenantHeader_Is401ProblemJson()
    {
        using var client = app.CreateClient(tenant: null);

        using var response = await client.GetAsync("/api/quality/summary");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ProblemTypes.Unauthorized, json.RootElement.GetProperty("type").GetString());
        Assert.Equal(401, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task UnknownQualityPath_Is404ProblemJson()
    {
        using var client = app.CreateClient(Inferences.NewTenant());

        using var response = await client.GetAsync("/api/quality/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<QualitySummary> GetSummaryAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/quality/summary");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.QualitySummary)
            ?? throw new InvalidOperationException("The summary was null.");
    }

    private static void AssertFigures(IReadOnlyList<InferenceCompleted> events, QualityFigures figures)
    {
        Assert.Equal(events.Count, figures.Requests);
        Assert.Equal(events.Count(e => e.Status != "ok"), figures.Errors);
        Assert.Equal(events.Sum(e => (long)e.TokensIn), figures.TokensIn);
        Assert.Equal(events.Sum(e => (long)e.TokensOut), figures.TokensOut);
        Assert.Equal(events.Sum(e => e.CostUsd), figures.CostUsd);
        AssertNear(ExactPercentile(events, 0.50), figures.LatencyP50Ms, "p50");
        AssertNear(ExactPercentile(events, 0.95), figures.LatencyP95Ms, "p95");
        AssertNear(ExactPercentile(events, 0.99), figures.LatencyP99Ms, "p99");
    }

    private static double ExactPercentile(IReadOnlyList<InferenceCompleted> events, double q)
    {
        var sorted = events.Select(e => e.LatencyMs).Order().ToArray();
        return sorted[(int)Math.Floor(q * (sorted.Length - 1))];
    }

    private static void AssertNear(double exact, double actual, string what) =>
        Assert.True(Math.Abs(actual - exact) <= Tolerance * exact, $"{what}: {actual} ms, exact {exact} ms");
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.FeedbackWorker.Tests;

/// <summary>
/// The retraining export, worker side: masked interactions and ratings arrive over the bus (published here, as the
/// orchestrator does not publish them yet), and the API exports, lists and serves the JSONL.
/// </summary>
public sealed class DatasetTests(FeedbackWorkerApp app) : IClassFixture<FeedbackWorkerApp>
{
    private IEventPublisher Publisher => app.Services.GetRequiredService<IEventPublisher>();

    [Fact]
    public async Task Export_WritesRatedUpAndCorrectedInteractions_AsOpenAIChatJsonl_WithAManifestWhoseSha256MatchesTheFile()
    {
        var tenant = Inferences.NewTenant();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-10);
        var liked = Interaction(tenant, "liked", "What is <EMAIL_1>'s plan?", "Gold.", t0);
        var corrected = Interaction(tenant, "corrected", "Refund window?", "7 days.", t0.AddMinutes(1));
        var disliked = Interaction(tenant, "disliked", "Hi", "Go away.", t0.AddMinutes(2));
        var unrated = Interaction(tenant, "unrated", "Hello", "Hello!", t0.AddMinutes(3));
        foreach (var interaction in new[] { liked, corrected, disliked, unrated })
        {
            Publisher.Publish(interaction);
        }
        Publisher.Publish(Rating(tenant, "liked", "up"));
        Publisher.Publish(Rating(tenant, "corrected", "down", correction: "14 days."));
        Publisher.Publish(Rating(tenant, "disliked", "down"));
        Publisher.Publish(Interaction(Inferences.NewTenant(), "liked", "other tenant", "x", t0)); // same id, another tenant
        using var client = app.CreateClient(tenant);

        var manifest = await Eventually.MatchesAsync(() => ExportAsync(client), m => m.Count == 2, "both examples were exportable");

        Assert.Equal((tenant, DatasetFilter), (manifest.Tenant, manifest.Filter));
        using var download = await client.GetAsync($"/api/quality/datasets/{manifest.DatasetId}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/jsonl", download.Content.Headers.ContentType?.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                """{"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"What is \u003CEMAIL_1\u003E\u0027s plan?"},{"role":"assistant","content":"Gold."}]}""",
                """{"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"Refund window?"},{"role":"assistant","content":"14 days."}]}""",
            ],
            lines);

        var listed = await client.GetFromJsonAsync<List<DatasetExported>>("/api/quality/datasets", new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Contains(listed!, m => m.DatasetId == manifest.DatasetId && m.Sha256 == manifest.Sha256);
        await Eventually.MatchesAsync(() => PublishedAsync(manifest.DatasetId), found => found, "DatasetExported was published");
    }

    [Fact]
    public async Task Datasets_AreTheCallersOwn_AndBadIdsAre4xxProblemJson()
    {
        var owner = Inferences.NewTenant();
        using var ownerClient = app.CreateClient(owner);
        using var otherClient = app.CreateClient(Inferences.NewTenant());
        var manifest = await ExportAsync(ownerClient);

        using var stolen = await otherClient.GetAsync($"/api/quality/datasets/{manifest.DatasetId}");
        using var malformed = await ownerClient.GetAsync("/api/quality/datasets/..%2F..%2Fetc");
        using var badRange = await ownerClient.PostAsync("/api/quality/datasets?from=2026-11-28T10:00:00Z&to=2026-11-28T09:00:00Z", null);

        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
        foreach (var response in new[] { stolen, malformed, badRange })
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Empty((await otherClient.GetFromJsonAsync<List<DatasetExported>>("/api/quality/datasets"))!);
        Assert.Equal(0, manifest.Count);
    }

    private const string DatasetFilter = "rating=up or corrected";

    private static InteractionCaptured Interaction(string tenant, string requestId, string question, string answer, DateTimeOffset at) =>
        new(requestId, tenant, "gpt-4o-mini", [new("system", "You are helpful."), new("user", question)], answer, at);

    private static FeedbackSubmitted Rating(string tenant, string responseId, string rating, string? correction = null) =>
        new(responseId, tenant, "gpt-4o-mini", "/api/chat", rating, DateTimeOffset.UtcNow, Correction: correction);

    private static async Task<DatasetExported> ExportAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/api/quality/datasets", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync(EventsJsonContext.Default.DatasetExported)
            ?? throw new InvalidOperationException("No manifest.");
    }

    private async Task<bool> PublishedAsync(string datasetId)
    {
        using var client = app.Redis.Connect();
        var entries = await client.GetDatabase().StreamRangeAsync(DatasetExported.TopicName);
        return entries.Any(e => EventEnvelope.Decode<DatasetExported>((byte[])e["event"]!).Event.DatasetId == datasetId);
    }
}

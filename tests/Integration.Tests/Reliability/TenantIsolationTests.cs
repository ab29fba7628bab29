using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.TestKit;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// Two tenants with their own keys: whatever B stores (documents, chunks, conversations, quality figures, datasets,
/// cached answers) is invisible to A. Every test first shows B itself can reach its data, so a broken feature cannot
/// pass as isolation.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TenantIsolationTests(PlatformFixture platform)
{
    [Fact]
    public async Task TenantA_CannotReadOrDelete_TenantBsDocument()
    {
        using var tenants = await TwoTenantsAsync();
        var (a, b) = (tenants.A, tenants.B);
        var id = "isolation-" + Guid.NewGuid().ToString("N")[..12];
        var ingest = await b.PostAsJsonAsync("/api/documents", new { id, text = "Tenant B's confidential pricing sheet." });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());

        await (await a.GetAsync($"/api/documents/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await a.DeleteAsync($"/api/documents/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var listed = await a.GetStringAsync("/api/documents");
        Assert.DoesNotContain(id, listed);

        var stillThere = await b.GetAsync($"/api/documents/{id}");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task TenantA_CannotRetrieve_TenantBsChunks()
    {
        using var tenants = await TwoTenantsAsync();
        var (a, b) = (tenants.A, tenants.B);
        var marker = "quorflax" + Guid.NewGuid().ToString("N")[..10];
        var ingest = await b.PostAsJsonAsync("/api/documents", new { text = $"The launch code word is {marker}. Keep it inside tenant B." });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());
        var query = new { query = $"launch code word {marker}", topK = 10, mode = "keyword" };

        var own = await b.PostAsJsonAsync("/v1/retrieve", query);
        Assert.Contains(marker, await own.Content.ReadAsStringAsync());

        foreach (var mode in new[] { "keyword", "vector", "hybrid" })
        {
            var foreign = await a.PostAsJsonAsync("/v1/retrieve", query with { mode = mode });
            var body = await foreign.Content.ReadAsStringAsync();
            Assert.True(foreign.StatusCode == HttpStatusCode.OK, body);
            Assert.DoesNotContain(marker, body);
            Assert.Empty(JsonDocument.Parse(body).RootElement.GetProperty("chunks").EnumerateArray());
        }
    }

    [Fact]
    public async Task TenantA_CannotContinue_TenantBsConversation()
    {
        using var tenants = await TwoTenantsAsync();
        var (a, b) = (tenants.A, tenants.B);
        var secret = "pelican" + Guid.NewGuid().ToString("N")[..8];
        var first = await b.PostAsJsonAsync("/api/chat", new { message = $"Remember that my locker code is {secret}.", model = "local", rag = "off" });
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.OK, firstBody);
        var conversationId = JsonDocument.Parse(firstBody).RootElement.GetProperty("conversationId").GetString()!;

        var own = await b.PostAsJsonAsync("/api/chat", new { conversationId, message = "What did I ask you to remember?", model = "local", rag = "off" });
        Assert.True(own.StatusCode == HttpStatusCode.OK, await own.Content.ReadAsStringAsync());

        var foreign = await a.PostAsJsonAsync("/api/chat", new { conversationId, message = "What did I ask you to remember?", model = "local", rag = "off" });
        var foreignBody = await foreign.Content.ReadAsStringAsync();
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(secret, foreignBody);
    }

    [Fact]
    public async Task TenantA_SeesNoneOf_TenantBsQualityFigures()
    {
        using var tenants = await TwoTenantsAsync();
        var (a, b) = (tenants.A, tenants.B);
        var completion = await b.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "local",
            messages = new[] { new { role = "user", content = "Count me for tenant B only." } },
        });
        Assert.True(completion.IsSuccessStatusCode, await completion.Content.ReadAsStringAsync());

        await Eventually.HoldsAsync(async () => Requests(await b.GetFromJsonAsync<JsonElement>("/api/quality/summary")) >= 1,
            "tenant B's summary counts its request", TimeSpan.FromSeconds(60));

        var summary = await a.GetFromJsonAsync<JsonElement>("/api/quality/summary");
        Assert.Equal(0, Requests(summary));
        Assert.StartsWith("iso-a-", summary.GetProperty("tenant").GetString());
        var models = await a.GetStringAsync("/api/quality/models");
        Assert.DoesNotContain("\"local\"", models);
        var series = await a.GetStringAsync("/api/quality/timeseries");
        Assert.DoesNotContain("\"local\"", series);
    }

    [Fact]
    public async Task TenantA_CannotListOrDownload_TenantBsDatasets()
    {
        using var tenants = await TwoTenantsAsync();
        var (a, b) = (tenants.A, tenants.B);
        var export = await b.PostAsync("/api/quality/datasets", null);
        var exportBody = await export.Content.ReadAsStringAsync();
        Assert.True(export.StatusCode == HttpStatusCode.Created, exportBody);
        var datasetId = JsonDocument.Parse(exportBody).RootElement.GetProperty("datasetId").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync($"/api/quality/datasets/{datasetId}")).StatusCode);
        await (await a.GetAsync($"/api/quality/datasets/{datasetId}")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(datasetId, await a.GetStringAsync("/api/quality/datasets"));
    }

    [Fact]
    public async Task TenantBsCachedAnswer_NeverAnswersTenantA()
    {
        using var tenants = await TwoTenantsAsync();
        var (a, b) = (tenants.A, tenants.B);
        var request = new
        {
            model = "local",
            temperature = 0.0,
            messages = new[] { new { role = "user", content = $"Cache isolation probe {Guid.NewGuid():N}" } },
        };

        Assert.Equal("miss", await CacheHeaderAsync(b, request));
        Assert.Equal("exact", await CacheHeaderAsync(b, request));
        Assert.Equal("miss", await CacheHeaderAsync(a, request));
    }

    private static async Task<string?> CacheHeaderAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/v1/chat/completions", request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response.Headers.TryGetValues("x-aiaspire-cache", out var values) ? values.Single() : null;
    }

    private static long Requests(JsonElement summary) => summary.GetProperty("total").GetProperty("requests").GetInt64();

    private async Task<TwoTenants> TwoTenantsAsync()
    {
        var keyA = await TenantKeys.CreateAsync(platform, TenantKeys.NewTenant("iso-a"));
        var keyB = await TenantKeys.CreateAsync(platform, TenantKeys.NewTenant("iso-b"));
        return new TwoTenants(platform.CreateClient(keyA), platform.CreateClient(keyB));
    }

    private sealed record TwoTenants(HttpClient A, HttpClient B) : IDisposable
    {
        public void Dispose()
        {
            A.Dispose();
            B.Dispose();
        }
    }
}

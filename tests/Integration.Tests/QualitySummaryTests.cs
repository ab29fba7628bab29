using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Integration.Tests;

[Collection(PlatformCollection.Name)]
public sealed class QualitySummaryTests(PlatformFixture platform)
{
    [Fact]
    public async Task ChatRequest_AppearsInTheQualitySummary()
    {
        using var client = platform.CreateClient();
        var before = await ModelRequestsAsync(client, "local");

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "local",
            messages = new[] { new { role = "user", content = "Count this request in the dashboard." } },
        });
        response.EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        long after;
        while ((after = await ModelRequestsAsync(client, "local")) <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.True(after > before, $"The summary still counts {after} requests for 'local' (before: {before}).");

        var summary = await client.GetFromJsonAsync<JsonElement>("/api/quality/summary");
        Assert.Equal("dev", summary.GetProperty("tenant").GetString());
        var total = summary.GetProperty("total");
        Assert.True(total.GetProperty("requests").GetInt64() >= after);
        Assert.True(total.GetProperty("latencyP50Ms").GetDouble() > 0);
        Assert.True(total.GetProperty("latencyP95Ms").GetDouble() >= total.GetProperty("latencyP50Ms").GetDouble());
        Assert.True(total.GetProperty("tokensOut").GetInt64() > 0);
    }

    private static async Task<long> ModelRequestsAsync(HttpClient client, string model)
    {
        var summary = await client.GetFromJsonAsync<JsonElement>("/api/quality/summary");
        foreach (var entry in summary.GetProperty("models").EnumerateArray())
        {
            if (entry.GetProperty("model").GetString() == model)
            {
                return entry.GetProperty("figures").GetProperty("requests").GetInt64();
            }
        }
        return 0;
    }
}

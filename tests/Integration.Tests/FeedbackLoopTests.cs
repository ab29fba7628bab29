using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Integration.Tests;

/// <summary>Feedback flows from the public API over the bus into the worker's per-model comparison.</summary>
public abstract class FeedbackLoopTests(IWholePlatform platform)
{
    [Fact]
    public async Task ThumbsUpOnAnAnswer_ShowsInTheModelComparison()
    {
        using var client = platform.CreateClient();
        var before = await FeedbackUpAsync(client, "local");

        var chat = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "local",
            messages = new[] { new { role = "user", content = "Rate this answer, please." } },
        });
        chat.EnsureSuccessStatusCode();
        var answerId = (await chat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var feedback = await client.PostAsJsonAsync("/api/feedback", new { responseId = answerId, rating = 1, comment = "Clear." });
        Assert.Equal(HttpStatusCode.Accepted, feedback.StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        long after;
        while ((after = await FeedbackUpAsync(client, "local")) <= before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.True(after == before + 1, $"Expected {before + 1} thumbs up for 'local', got {after}.");
    }

    private static async Task<long> FeedbackUpAsync(HttpClient client, string model)
    {
        var comparison = await client.GetFromJsonAsync<JsonElement>("/api/quality/models");
        foreach (var entry in comparison.GetProperty("models").EnumerateArray())
        {
            if (entry.GetProperty("model").GetString() == model)
            {
                return entry.GetProperty("feedbackUp").GetInt64();
            }
        }
        return 0;
    }
}

/// <summary><see cref="FeedbackLoopTests"/> with the guard and the router as services of their own.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FeedbackLoopThroughServicesTests(PlatformFixture platform) : FeedbackLoopTests(platform);
